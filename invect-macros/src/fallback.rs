//! What `#[invect_table]` emits after reporting an error, after thiserror's
//! `fallback.rs`: the struct, its column module, the insert struct, a
//! `Table` (or `TableExtension`) impl whose bodies never run, and the
//! inherent queries. The code that uses the declaration then compiles, so
//! one mistake gives one error, not one more for each use.
//!
//! Nothing here needs what may have failed: fields whose type is
//! unsupported are left out, the metadata are empty stand-ins, and a
//! generic struct (which has no impl to stand in for) gets the struct alone.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

use crate::ast::{Field, Model};
use crate::generate::{column_module, extension_methods, key_type, new_struct};
use crate::lower::Lowered;
use crate::tokens::{rt, schema};

/// The struct, `err` as `compile_error!`, and the stubs.
pub fn fallback(m: &Model, lowered: &Lowered, err: syn::Error) -> TokenStream {
    let item = &m.item;
    let err = err.to_compile_error();
    let uses = mention_paths(m);
    let stubs = if !m.item.generics.params.is_empty() {
        TokenStream::new()
    } else if let Some(target) = &m.attrs.extends {
        extension_stub(m, target)
    } else {
        table_stub(m, lowered)
    };
    quote!(#item #err #uses #stubs)
}

/// Mentions the `references` and `extends` paths so that the user's
/// imports of them are not flagged as unused.
fn mention_paths(m: &Model) -> TokenStream {
    let refs = m.fields.iter().filter_map(|f| f.attrs.references.as_ref());
    let ext = m.attrs.extends.iter();
    quote! {
        #(const _: () = { let _ = #refs; };)*
        #(const _: ::core::marker::PhantomData<#ext> = ::core::marker::PhantomData;)*
    }
}

/// The column module, unless its name (the table's) is no Rust identifier,
/// which is then the error being reported.
fn stub_module(m: &Model, table_ty: &TokenStream) -> TokenStream {
    if syn::parse_str::<syn::Ident>(&m.module_name()).is_err() {
        return TokenStream::new();
    }
    column_module(m, table_ty, quote!(), &stub_column)
}

/// `Column::DEF` of a stub handle: the column's name, type `text`.
fn stub_column(_: usize, f: &Field) -> TokenStream {
    let s = schema();
    let name = &f.column;
    quote!(&#s::ColumnDef::new(#name, #s::ColumnType::Text))
}

fn unreachable() -> TokenStream {
    quote!(::core::unreachable!("#[invect_table] reported an error"))
}

fn table_stub(m: &Model, lowered: &Lowered) -> TokenStream {
    let (rt, s, never) = (rt(), schema(), unreachable());
    let ident = &m.item.ident;
    let new_ident = format_ident!("New{}", ident);
    let name = &m.table;
    let module = stub_module(m, &ident.to_token_stream());
    let keys: Vec<&Field> = lowered
        .key_fields(m)
        .into_iter()
        .filter(|f| f.field_type.is_some())
        .collect();
    let key = key_type(&keys);
    let new_struct = new_struct(m, &new_ident);
    quote! {
        #module
        #new_struct
        impl #rt::Table for #ident {
            type New = #new_ident;
            type Key = #key;
            const NAME: &'static str = #name;
            const DEF: &'static #s::TableDef = &#s::TableDef {
                name: ::std::borrow::Cow::Borrowed(#name),
                columns: ::std::borrow::Cow::Borrowed(&[]),
                primary_key: ::std::borrow::Cow::Borrowed(&[]),
                indexes: ::std::borrow::Cow::Borrowed(&[]),
                order: 0,
                renamed_from: ::core::option::Option::None,
            };
            fn prepare_new(_: &mut #new_ident, _: &dyn #s::Dialect) { #never }
            fn bind_new(_: &#new_ident, _: &mut #rt::Args) -> #rt::value::BindResult { #never }
            fn new_key(_: &#new_ident) -> ::core::option::Option<Self::Key> { #never }
            fn bind_key(_: &Self::Key, _: &mut #rt::Args) -> #rt::value::BindResult { #never }
            fn bind_new_column(_: &#new_ident, _: usize, _: &mut #rt::Args) -> #rt::value::BindResult { #never }
            fn key(&self) -> Self::Key { #never }
            fn bind_update(&self, _: &mut #rt::Args) -> #rt::value::BindResult { #never }
            fn decode(_: #rt::RowRef<'_>) -> ::core::result::Result<Self, #rt::__private::SqlxError> { #never }
            fn from_insert(_: #new_ident, _: ::core::option::Option<#rt::RowRef<'_>>) -> ::core::result::Result<Self, #rt::__private::SqlxError> { #never }
        }
    }
}

fn extension_stub(m: &Model, target: &syn::Path) -> TokenStream {
    let (rt, s, never) = (rt(), schema(), unreachable());
    let ident = &m.item.ident;
    let module = stub_module(m, &target.to_token_stream());
    let accessors = extension_methods(m);
    quote! {
        #module
        #accessors
        impl #rt::TableExtension for #ident {
            type Target = #target;
            const EXTENSION: &'static #s::Extension = &#s::Extension {
                table: ::std::borrow::Cow::Borrowed(<#target as #rt::Table>::NAME),
                columns: ::std::borrow::Cow::Borrowed(&[]),
                indexes: ::std::borrow::Cow::Borrowed(&[]),
            };
            fn bind(&self, _: &mut #rt::Args) -> #rt::value::BindResult { #never }
            fn decode(_: #rt::RowRef<'_>) -> ::core::result::Result<Self, #rt::__private::SqlxError> { #never }
        }
    }
}
