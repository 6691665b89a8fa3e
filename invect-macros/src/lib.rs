//! `#[invect_table]` and `#[derive(InvectEnum)]`: each entry point parses,
//! calls the real work, and turns errors into `compile_error!`.

mod ast;
mod attr;
mod check;
mod ctxt;
mod enums;
mod generate;
mod symbol;
mod types;

use proc_macro::TokenStream;

/// Declares a table (or, with `extends = T`, columns added to table `T`).
/// See the invect-runtime crate docs for the attributes.
#[proc_macro_attribute]
pub fn invect_table(args: TokenStream, input: TokenStream) -> TokenStream {
    generate::expand(args.into(), input.into()).into()
}

/// Stores a fieldless enum as its variant names (an enum type on PostgreSQL,
/// `ENUM(...)` on MySQL, text on SQLite).
#[proc_macro_derive(InvectEnum, attributes(invect))]
pub fn derive_invect_enum(input: TokenStream) -> TokenStream {
    enums::expand(input.into()).into()
}
