//! Lays a token stream out on lines (a newline after `;`, `,` at brace
//! level, and around braces), so a snapshot's diff shows what changed.
//! No formatter dependency: good enough to read, not rustfmt.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

pub fn pretty(tokens: &TokenStream) -> String {
    let mut p = Printer::default();
    p.stream(tokens.clone(), false);
    p.newline();
    p.out
}

#[derive(Default)]
struct Printer {
    out: String,
    depth: usize,
    line_start: bool,
    glue: bool,
    /// A `}` was just closed: the next item goes on a new line.
    after_brace: bool,
}

impl Printer {
    fn token(&mut self, s: &str) {
        if std::mem::take(&mut self.after_brace) && ![",", ";", ")", "]", "."].contains(&s) {
            self.newline();
        }
        if self.line_start {
            self.out.push_str(&"    ".repeat(self.depth));
        } else if !self.glue && !self.out.is_empty() {
            self.out.push(' ');
        }
        self.out.push_str(s);
        self.line_start = false;
        self.glue = false;
    }

    fn newline(&mut self) {
        if !self.line_start && !self.out.is_empty() {
            self.out.push('\n');
            self.line_start = true;
        }
    }

    /// `in_braces`: commas end lines here (fields, statements), not in `()`.
    fn stream(&mut self, tokens: TokenStream, in_braces: bool) {
        for tt in tokens {
            match tt {
                TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                    self.token("{");
                    self.depth += 1;
                    self.newline();
                    self.stream(g.stream(), true);
                    self.depth -= 1;
                    self.newline();
                    self.token("}");
                    self.after_brace = true;
                }
                TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Bracket => ("[", "]"),
                        _ => ("", ""),
                    };
                    self.token(open);
                    self.glue = true;
                    self.stream(g.stream(), false);
                    self.glue = true;
                    self.token(close);
                }
                TokenTree::Punct(p) => {
                    self.token(&p.as_char().to_string());
                    self.glue = p.spacing() == Spacing::Joint;
                    if p.as_char() == ';' || (p.as_char() == ',' && in_braces) {
                        self.newline();
                    }
                }
                other => self.token(&other.to_string()),
            }
        }
    }
}
