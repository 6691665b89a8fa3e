//! Unit tests of the expansion, run without `proc_macro`: snapshots of the
//! generated code (`tests/snapshots/*.rs`, re-bless with `INVECT_BLESS=1
//! cargo test -p invect-macros` and read the diff), the errors of wrong
//! declarations, and the quoted statics read back and compared with the
//! lowered value.

mod errors;
mod eval;
mod pretty;
mod snapshots;
mod statics;

use proc_macro2::TokenStream;

use crate::expand::invect_table_inner;

/// Expands `#[invect_table(args)]` on `item`.
fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    invect_table_inner(args, item)
}

/// The messages of the `compile_error!`s in `tokens`, in order.
fn compile_errors(tokens: &TokenStream) -> Vec<String> {
    let file: syn::File = syn::parse2(tokens.clone()).expect("the expansion parses as items");
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(m) if m.mac.path.segments.last()?.ident == "compile_error" => Some(
                m.mac
                    .parse_body::<syn::LitStr>()
                    .expect("a message")
                    .value(),
            ),
            _ => None,
        })
        .collect()
}
