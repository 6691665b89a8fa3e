//! Invect's one reading of a `LIKE` pattern, which each dialect renders.

/// One piece of a `LIKE` pattern as Invect reads it on every dialect: `%`
/// any run, `_` one character, `\` makes the next character literal (`\%`,
/// `\_`, `\\`); a trailing `\` is itself literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LikeToken {
    Any,
    One,
    Char(char),
}

/// The pieces of `pattern`.
pub fn like_tokens(pattern: &str) -> impl Iterator<Item = LikeToken> + '_ {
    let mut chars = pattern.chars();
    std::iter::from_fn(move || {
        Some(match chars.next()? {
            '%' => LikeToken::Any,
            '_' => LikeToken::One,
            '\\' => LikeToken::Char(chars.next().unwrap_or('\\')),
            c => LikeToken::Char(c),
        })
    })
}

/// `text` as a `LIKE` pattern matching exactly it (its `%`, `_`, `\` escaped).
pub fn like_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
