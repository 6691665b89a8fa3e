//! `#[invect_table]` and `#[derive(InvectEnum)]`: each entry point calls the
//! expansion in `expand.rs`, which parses, checks and generates.
//!
//! Layers, each using only the ones before it: parse (`ctxt`, `symbol`,
//! `types`, `attr`, `ast`), validate (`lower`, `check`, `schema_check`),
//! generate (`tokens`, `generate`, `fallback`, `enums`), then `expand`.

mod ast;
mod attr;
mod check;
mod ctxt;
mod enums;
mod expand;
mod fallback;
mod generate;
mod lower;
mod schema_check;
mod symbol;
mod tokens;
mod types;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Declares a table (or, with `extends = T`, columns added to table `T`).
/// See the invect-runtime crate docs for the attributes.
#[proc_macro_attribute]
pub fn invect_table(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::invect_table_inner(args.into(), input.into()).into()
}

/// Stores a fieldless enum as its variant names (an enum type on PostgreSQL,
/// `ENUM(...)` on MySQL, text on SQLite).
#[proc_macro_derive(InvectEnum, attributes(invect))]
pub fn derive_invect_enum(input: TokenStream) -> TokenStream {
    expand::derive_invect_enum_inner(input.into()).into()
}
