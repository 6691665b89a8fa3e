//! Turns a checked [`Model`] and its [`Lowered`] metadata into the struct,
//! its metadata statics, column handles, insert shape and typed queries.
//! No SQL: the runtime renders the statements from `DEF`.

use invect_schema::{Extension, TableDef};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote, quote_spanned};

use crate::ast::{Field, Model};
use crate::attr::DefaultAttr;
use crate::lower::Lowered;
use crate::tokens::{columns_expr, extension_expr, rt, schema, table_expr};
use crate::types::Kind;

/// Everything generated for a declaration that passed every check.
pub fn generate(m: &Model, lowered: &Lowered) -> TokenStream {
    match lowered {
        Lowered::Table(def) => table(m, lowered, def),
        Lowered::Extension(ext) => extension(m, lowered, ext),
    }
}

/// Compile-time checks the macro cannot do alone: enum defaults are
/// variants, referenced columns have this field's type.
fn assertions(m: &Model) -> TokenStream {
    let rt = rt();
    let mut out = Vec::new();
    for f in &m.fields {
        let Some(ft) = &f.field_type else { continue };
        let inner = &ft.inner;
        if let (Kind::Enum, Some((DefaultAttr::Str(v), span))) = (&ft.kind, &f.attrs.default) {
            let ty_name = crate::types::type_ident(inner)
                .map(|i| i.to_string())
                .unwrap_or_default();
            let msg = format!(
                "default {v:?} of column `{}` is not a stored name of enum `{ty_name}`; \
                 use a variant's stored name (its name after #[invect(rename_all)] or #[invect(rename)])",
                f.column
            );
            out.push(quote_spanned! {*span=>
                const _: () = ::core::assert!(#rt::__private::has_variant(<#inner as #rt::InvectEnum>::VARIANTS, #v), #msg);
            });
        }
        if let Some(path) = &f.attrs.references {
            let span = syn::spanned::Spanned::span(path);
            out.push(quote_spanned! {span=>
                const _: fn() = #rt::__private::same_type::<<#path as #rt::Column>::Param, #inner>;
            });
        }
    }
    quote!(#(#out)*)
}

/// The column module: one handle struct per column (skipping fields whose
/// type is unsupported), each `Column::DEF` given by `def_of(index, field)`,
/// and `items` (the statics).
pub fn column_module(
    m: &Model,
    table_ty: &TokenStream,
    items: TokenStream,
    def_of: &dyn Fn(usize, &Field) -> TokenStream,
) -> TokenStream {
    let rt = rt();
    let s = schema();
    let vis = &m.item.vis;
    let handles = m.fields.iter().enumerate().filter_map(|(i, f)| {
        let ft = f.field_type.as_ref()?;
        let (ident, ty, inner, name) = (&f.ident, &f.ty, &ft.inner, &f.column);
        let doc = format!("Column `{}`.", f.column);
        let def = def_of(i, f);
        Some(quote! {
            #[doc = #doc]
            #[allow(non_camel_case_types)]
            #[derive(Debug, Clone, Copy)]
            pub struct #ident;
            impl #rt::Column for #ident {
                type Table = #table_ty;
                type Value = #ty;
                type Param = #inner;
                const NAME: &'static str = #name;
                const DEF: &'static #s::ColumnDef = #def;
            }
        })
    });
    let module = format_ident!("{}", m.module_name());
    let doc = format!("Typed column handles of `{}`.", m.table);
    quote! {
        #[doc = #doc]
        #[allow(non_upper_case_globals, unused_imports)]
        #vis mod #module {
            use super::*;
            #items
            #(#handles)*
        }
    }
}

/// `__COLUMNS`, the lowered columns, and `Column::DEF` pointing into it.
fn module_with_columns(
    m: &Model,
    lowered: &Lowered,
    table_ty: &TokenStream,
    statics: TokenStream,
) -> TokenStream {
    let s = schema();
    let columns = columns_expr(m, lowered);
    let items = quote! {
        #[doc(hidden)]
        pub const __COLUMNS: &'static [#s::ColumnDef] = #columns;
        #statics
    };
    column_module(m, table_ty, items, &|i, _| quote!(&__COLUMNS[#i]))
}

/// The key type: the key field's type, or a tuple for a composite key.
pub fn key_type(keys: &[&Field]) -> TokenStream {
    match keys {
        [one] => one.ty.to_token_stream(),
        many => {
            let tys = many.iter().map(|f| &f.ty);
            quote!((#(#tys,)*))
        }
    }
}

/// Everything generated for a table.
fn table(m: &Model, lowered: &Lowered, def: &TableDef) -> TokenStream {
    let rt = rt();
    let s = schema();
    let item = &m.item;
    let ident = &item.ident;
    let module = format_ident!("{}", m.module_name());
    let new_ident = format_ident!("New{}", ident);
    let name = &m.table;
    let table_def = table_expr(def, &quote!(__COLUMNS));
    let statics = quote! {
        #[doc(hidden)]
        pub static __TABLE: #s::TableDef = #table_def;
    };
    let module_tokens = module_with_columns(m, lowered, &ident.to_token_stream(), statics);
    let keys = lowered.key_fields(m);
    let assertions = assertions(m);
    let new_struct = new_struct(m, &new_ident);
    let codec = codec(m, &new_ident, &keys);
    let key = key_type(&keys);
    quote! {
        #item
        #module_tokens
        #new_struct
        #assertions

        impl #rt::Table for #ident {
            type New = #new_ident;
            type Key = #key;
            const NAME: &'static str = #name;
            const DEF: &'static #s::TableDef = &#module::__TABLE;
            #codec
        }
    }
}

/// The insert shape: defaulted NOT NULL fields become `Option`s. Fields
/// whose type is unsupported are left out (only after an error).
pub fn new_struct(m: &Model, new_ident: &syn::Ident) -> TokenStream {
    let vis = &m.item.vis;
    let supported = m.fields.iter().filter(|f| f.field_type.is_some());
    let fields = supported.map(|f| {
        let (ident, ty) = (&f.ident, new_field_type(f));
        let doc = if omittable(f) {
            "`None` uses the column's default."
        } else {
            ""
        };
        quote!(#[doc = #doc] pub #ident: #ty)
    });
    let defaultable = m.fields.iter().all(|f| {
        f.field_type.as_ref().is_none_or(|t| {
            omittable(f) || t.nullable || !matches!(t.kind, Kind::Enum | Kind::Json)
        })
    });
    let derives = if defaultable {
        quote!(#[derive(Debug, Clone, Default)])
    } else {
        quote!(#[derive(Debug, Clone)])
    };
    let doc = format!(
        "A new row of `{}` for `insert`; defaulted columns may be left `None`.",
        m.table
    );
    quote! {
        #[doc = #doc]
        #derives
        #vis struct #new_ident { #(#fields,)* }
    }
}

/// A NOT NULL column with a default, which `New` may leave out.
fn omittable(f: &Field) -> bool {
    f.attrs.default.is_some() && f.field_type.as_ref().is_some_and(|t| !t.nullable)
}

fn new_field_type(f: &Field) -> TokenStream {
    let ty = &f.ty;
    if omittable(f) {
        quote!(::core::option::Option<#ty>)
    } else {
        quote!(#ty)
    }
}

/// The `Table` trait's binding and decoding functions.
fn codec(m: &Model, new_ident: &syn::Ident, keys: &[&Field]) -> TokenStream {
    let rt = rt();
    let all = m.fields.iter().map(|f| &f.ident).collect::<Vec<_>>();
    let key_idents = keys.iter().map(|f| &f.ident).collect::<Vec<_>>();
    let (rest, rest_indices): (Vec<_>, Vec<_>) = m
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !key_idents.contains(&&f.ident))
        .map(|(i, f)| (&f.ident, i))
        .unzip();
    let indices = 0..m.fields.len();
    let bind_indices = 0..m.fields.len();
    let from_insert = from_insert(m, new_ident);
    let uuid_defaults: Vec<_> = m
        .fields
        .iter()
        .filter(|f| omittable(f) && matches!(f.attrs.default, Some((DefaultAttr::Uuid, _))))
        .map(|f| &f.ident)
        .collect();
    let new_key_parts = keys.iter().map(|f| {
        let id = &f.ident;
        if omittable(f) {
            quote!(new.#id.clone()?)
        } else {
            quote!(new.#id.clone())
        }
    });
    let key_of_row = match keys {
        [one] => {
            let id = &one.ident;
            quote!(::core::clone::Clone::clone(&self.#id))
        }
        _ => quote!((#(::core::clone::Clone::clone(&self.#key_idents),)*)),
    };
    let column_indices = 0..m.fields.len();
    let (new_key, bind_key) = match keys {
        // An omittable key is already an `Option`: no `Some(x?)` (clippy's needless_question_mark).
        [one] if omittable(one) => {
            let id = &one.ident;
            (quote!(new.#id.clone()), quote!(args.push(key)?;))
        }
        [_] => (
            quote!(::core::option::Option::Some(#(#new_key_parts)*)),
            quote!(args.push(key)?;),
        ),
        _ => {
            let n = (0..keys.len()).map(syn::Index::from);
            (
                quote!(::core::option::Option::Some((#(#new_key_parts,)*))),
                quote!(#(args.push(&key.#n)?;)*),
            )
        }
    };
    quote! {
        #[inline]
        fn prepare_new(new: &mut #new_ident, d: &dyn #rt::__private::invect_schema::Dialect) {
            #(if d.client_generates_uuid() && new.#uuid_defaults.is_none() {
                new.#uuid_defaults = ::core::option::Option::Some(#rt::__private::uuid::Uuid::new_v4());
            })*
        }
        #[inline]
        fn bind_new(new: &#new_ident, args: &mut #rt::Args) -> #rt::value::BindResult {
            let columns = &<Self as #rt::Table>::DEF.columns;
            #(args.push_column(&new.#all, &columns[#bind_indices])?;)*
            ::core::result::Result::Ok(())
        }
        #[inline]
        fn new_key(new: &#new_ident) -> ::core::option::Option<Self::Key> {
            #new_key
        }
        #[inline]
        fn bind_key(key: &Self::Key, args: &mut #rt::Args) -> #rt::value::BindResult {
            #bind_key
            ::core::result::Result::Ok(())
        }
        #[inline]
        fn bind_new_column(new: &#new_ident, column: usize, args: &mut #rt::Args) -> #rt::value::BindResult {
            match column {
                #(#column_indices => args.push(&new.#all),)*
                _ => ::core::result::Result::Ok(()),
            }
        }
        #[inline]
        fn key(&self) -> Self::Key {
            #key_of_row
        }
        #[inline]
        fn bind_update(&self, args: &mut #rt::Args) -> #rt::value::BindResult {
            let columns = &<Self as #rt::Table>::DEF.columns;
            #(args.push_column(&self.#rest, &columns[#rest_indices])?;)*
            #(args.push(&self.#key_idents)?;)*
            ::core::result::Result::Ok(())
        }
        #[inline]
        fn decode(row: #rt::RowRef<'_>) -> ::core::result::Result<Self, #rt::__private::SqlxError> {
            ::core::result::Result::Ok(Self { #(#all: row.get(#indices)?,)* })
        }
        #from_insert
    }
}

/// `Table::from_insert`: the caller's values as stored, and the defaulted
/// columns from `generated` (in declared order), so an insert reads back only
/// what the database made.
fn from_insert(m: &Model, new_ident: &syn::Ident) -> TokenStream {
    let rt = rt();
    let mut position = 0usize;
    let fields = m.fields.iter().map(|f| {
        let id = &f.ident;
        if f.attrs.default.is_some() {
            let i = position;
            position += 1;
            quote!(#id: generated.get(#i)?)
        } else {
            quote!(#id: #rt::value::CheckValue::into_stored(new.#id))
        }
    });
    let fields: Vec<TokenStream> = fields.collect();
    let row = if position == 0 {
        quote!(let _ = generated;)
    } else {
        quote!(let generated = generated.ok_or(#rt::__private::SqlxError::RowNotFound)?;)
    };
    quote! {
        #[inline]
        fn from_insert(new: #new_ident, generated: ::core::option::Option<#rt::RowRef<'_>>) -> ::core::result::Result<Self, #rt::__private::SqlxError> {
            #row
            ::core::result::Result::Ok(Self { #(#fields,)* })
        }
    }
}

/// Everything generated for `extends = Target`: metadata and column handles
/// whose table is the target, so filters and partial updates on the target
/// can use the new columns.
fn extension(m: &Model, lowered: &Lowered, ext: &Extension) -> TokenStream {
    let rt = rt();
    let s = schema();
    let item = &m.item;
    let ident = &item.ident;
    let Some(target) = &m.attrs.extends else {
        return TokenStream::new();
    };
    let module = format_ident!("{}", m.module_name());
    let all = m.fields.iter().map(|f| &f.ident).collect::<Vec<_>>();
    let indices = 0..m.fields.len();
    let bind_indices = 0..m.fields.len();
    let extension = extension_expr(ext, target, &quote!(__COLUMNS));
    let statics = quote! {
        #[doc(hidden)]
        pub static __EXTENSION: #s::Extension = #extension;
    };
    let module_tokens = module_with_columns(m, lowered, &target.to_token_stream(), statics);
    let assertions = assertions(m);
    let accessors = extension_methods(m);
    quote! {
        #item
        #module_tokens
        #assertions

        impl #rt::TableExtension for #ident {
            type Target = #target;
            const EXTENSION: &'static #s::Extension = &#module::__EXTENSION;
            fn bind(&self, args: &mut #rt::Args) -> #rt::value::BindResult {
                let columns = &<Self as #rt::TableExtension>::EXTENSION.columns;
                #(args.push_column(&self.#all, &columns[#bind_indices])?;)*
                ::core::result::Result::Ok(())
            }
            fn decode(row: #rt::RowRef<'_>) -> ::core::result::Result<Self, #rt::__private::SqlxError> {
                ::core::result::Result::Ok(Self { #(#all: row.get(#indices)?,)* })
            }
        }

        #accessors
    }
}

/// `get` and `set` of an extension, so they need no trait import.
pub fn extension_methods(m: &Model) -> TokenStream {
    let rt = rt();
    let ident = &m.item.ident;
    let target = &m.attrs.extends;
    quote! {
        #[allow(dead_code)]
        impl #ident {
            /// The added columns of the target row with this key, if the row exists.
            pub async fn get(db: impl #rt::Executor, key: &<#target as #rt::Table>::Key) -> #rt::Result<::core::option::Option<Self>> {
                #rt::query::extension_get::<Self>(db, key).await
            }
            /// Writes the added columns of the target row with this key; returns the rows matched.
            pub async fn set(db: impl #rt::Executor, key: &<#target as #rt::Table>::Key, value: &Self) -> #rt::Result<u64> {
                #rt::query::extension_set::<Self>(db, key, value).await
            }
        }
    }
}
