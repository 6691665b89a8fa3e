//! Turns a checked [`Model`] into the struct, its metadata, column handles,
//! insert shape and typed queries.

use std::borrow::Cow;

use invect_schema::statements::{TableStatements, table_statements};
use invect_schema::{ColumnDef, ColumnType, DefaultValue, DialectKind, EnumDef, Name, TableDef};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote, quote_spanned};

use crate::ast::{Field, Model};
use crate::attr::DefaultAttr;
use crate::check::check;
use crate::ctxt::Ctxt;
use crate::types::{Kind, snake_case, type_ident};

/// Entry point of `#[invect_table]`.
pub fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: syn::ItemStruct = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let err = syn::Error::new_spanned(
                first_tokens(&input),
                "#[invect_table] applies to a struct with named fields (one per column)",
            );
            let err = err.to_compile_error();
            return quote!(#err #input);
        }
    };
    let mut cx = Ctxt::default();
    let model = Model::from_item(&mut cx, args, item);
    check(&mut cx, &model);
    match cx.finish() {
        // Still emit the struct (attributes stripped) so the only errors are ours.
        Err(err) => {
            let item = &model.item;
            let err = err.to_compile_error();
            let uses = mention_paths(&model);
            quote!(#item #err #uses)
        }
        Ok(()) if model.attrs.extends.is_some() => crate::generate::extension(&model),
        Ok(()) => table(&model),
    }
}

/// Mentions the `references` and `extends` paths so that, when the macro
/// reports an error, the user's imports of them are not flagged as unused.
fn mention_paths(m: &Model) -> TokenStream {
    let refs = m.fields.iter().filter_map(|f| f.attrs.references.as_ref());
    let ext = m.attrs.extends.iter();
    quote! {
        #(const _: () = { let _ = #refs; };)*
        #(const _: ::core::marker::PhantomData<#ext> = ::core::marker::PhantomData;)*
    }
}

fn first_tokens(input: &TokenStream) -> TokenStream {
    input.clone().into_iter().take(3).collect()
}

/// The abstract type; an enum gets a stand-in definition named after its
/// Rust type (the real values come from its `InvectEnum` impl at compile time).
pub fn column_type(f: &Field) -> Option<ColumnType> {
    let ft = f.field_type.as_ref()?;
    Some(match ft.kind {
        Kind::String if f.attrs.text.is_some() => ColumnType::Text,
        Kind::String => ColumnType::String {
            max_length: f.attrs.max_length.map(|(n, _)| n),
        },
        Kind::I32 => ColumnType::Number,
        Kind::I64 => ColumnType::BigInt,
        Kind::Bool => ColumnType::Boolean,
        Kind::DateTime => ColumnType::Date,
        Kind::Uuid => ColumnType::Uuid,
        Kind::Json => ColumnType::Json,
        Kind::Enum => ColumnType::Enum(EnumDef {
            name: Cow::Owned(enum_type_name(&ft.inner)),
            values: Cow::Owned(Vec::new()),
        }),
    })
}

/// The PostgreSQL type name of an enum: its Rust name in snake_case.
pub fn enum_type_name(ty: &syn::Type) -> String {
    type_ident(ty)
        .map(|i| snake_case(&i.to_string()))
        .unwrap_or_default()
}

pub fn default_value(d: &DefaultAttr) -> DefaultValue {
    match d {
        DefaultAttr::Now => DefaultValue::Now,
        DefaultAttr::Uuid => DefaultValue::Uuid,
        DefaultAttr::Str(s) => DefaultValue::Str(Cow::Owned(s.clone())),
        DefaultAttr::Int(i) => DefaultValue::Int(*i),
        DefaultAttr::Bool(b) => DefaultValue::Bool(*b),
    }
}

/// The table as the macro sees it, to render the statements' SQL.
fn table_def(m: &Model) -> TableDef {
    let columns: Vec<ColumnDef> = m
        .fields
        .iter()
        .map(|f| ColumnDef {
            name: Cow::Owned(f.column.clone()),
            ty: column_type(f).unwrap_or(ColumnType::Text),
            nullable: f.field_type.as_ref().is_some_and(|t| t.nullable),
            default: f.attrs.default.as_ref().map(|(d, _)| default_value(d)),
            unique: false,
            references: None,
        })
        .collect();
    let key: Vec<Name> = m
        .key_fields()
        .iter()
        .map(|f| Cow::Owned(f.column.clone()))
        .collect();
    TableDef {
        name: Cow::Owned(m.table.clone()),
        columns: columns.into(),
        primary_key: key.into(),
        indexes: Cow::Owned(Vec::new()),
        order: 0,
    }
}

fn rt() -> TokenStream {
    quote!(::invect_runtime)
}

fn schema() -> TokenStream {
    quote!(::invect_runtime::__private::invect_schema)
}

fn cow(s: &str) -> TokenStream {
    quote!(::std::borrow::Cow::Borrowed(#s))
}

/// `ColumnDef { ... }` tokens for the static metadata.
fn column_tokens(f: &Field) -> TokenStream {
    let s = schema();
    let rt = rt();
    let name = cow(&f.column);
    let ty = match column_type(f) {
        Some(ColumnType::String { max_length }) => {
            let n = match max_length {
                Some(n) => quote!(::core::option::Option::Some(#n)),
                None => quote!(::core::option::Option::None),
            };
            quote!(#s::ColumnType::String { max_length: #n })
        }
        Some(ColumnType::Enum(_)) => {
            let inner = f.field_type.as_ref().map(|t| &t.inner);
            quote!(#s::ColumnType::Enum(<#inner as #rt::InvectEnum>::ENUM_DEF))
        }
        Some(other) => {
            let variant = format_ident!("{}", format!("{other:?}"));
            quote!(#s::ColumnType::#variant)
        }
        None => quote!(#s::ColumnType::Text),
    };
    let nullable = f.field_type.as_ref().is_some_and(|t| t.nullable);
    let default = match &f.attrs.default {
        None => quote!(::core::option::Option::None),
        Some((d, _)) => {
            let v = match d {
                DefaultAttr::Now => quote!(#s::DefaultValue::Now),
                DefaultAttr::Uuid => quote!(#s::DefaultValue::Uuid),
                DefaultAttr::Str(v) => {
                    let c = cow(v);
                    quote!(#s::DefaultValue::Str(#c))
                }
                DefaultAttr::Int(i) => quote!(#s::DefaultValue::Int(#i)),
                DefaultAttr::Bool(b) => quote!(#s::DefaultValue::Bool(#b)),
            };
            quote!(::core::option::Option::Some(#v))
        }
    };
    let unique = f.attrs.unique;
    let references = match &f.attrs.references {
        None => quote!(::core::option::Option::None),
        Some(path) => {
            let on_delete = match f.attrs.on_delete.as_ref().map(|(v, _)| v.as_str()) {
                Some("set_null") => quote!(SetNull),
                Some("restrict") => quote!(Restrict),
                Some("no_action") => quote!(NoAction),
                _ => quote!(Cascade),
            };
            quote!(::core::option::Option::Some(#s::ForeignKey {
                table: ::std::borrow::Cow::Borrowed(<<#path as #rt::Column>::Table as #rt::Table>::NAME),
                column: ::std::borrow::Cow::Borrowed(<#path as #rt::Column>::NAME),
                on_delete: #s::OnDelete::#on_delete,
            }))
        }
    };
    quote!(#s::ColumnDef { name: #name, ty: #ty, nullable: #nullable, default: #default, unique: #unique, references: #references })
}

/// Declared indexes: `index` on fields, then `index(..)`/`unique(..)` lists.
fn index_tokens(m: &Model) -> TokenStream {
    let s = schema();
    let mut out = Vec::new();
    for f in m.fields.iter().filter(|f| f.attrs.index) {
        let c = cow(&f.column);
        out.push(
            quote!(#s::IndexDef { columns: ::std::borrow::Cow::Borrowed(&[#c]), unique: false }),
        );
    }
    for (idents, unique) in &m.attrs.indexes {
        let cols = idents
            .iter()
            .filter_map(|i| m.field(i))
            .map(|f| cow(&f.column));
        out.push(quote!(#s::IndexDef { columns: ::std::borrow::Cow::Borrowed(&[#(#cols),*]), unique: #unique }));
    }
    quote!(&[#(#out),*])
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

/// The table's module: column metadata, the static it builds, and one
/// handle struct per column.
fn module_tokens(m: &Model, table_ty: &TokenStream, statics: TokenStream) -> TokenStream {
    let rt = rt();
    let vis = &m.item.vis;
    let items = m.fields.iter().enumerate().filter_map(|(i, f)| {
        let ft = f.field_type.as_ref()?;
        let (ident, ty, inner, name) = (&f.ident, &f.ty, &ft.inner, &f.column);
        let doc = format!("Column `{}`.", f.column);
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
                const DEF: &'static #rt::__private::invect_schema::ColumnDef = &__COLUMNS[#i];
            }
        })
    });
    let module = format_ident!("{}", m.module_name());
    let doc = format!("Typed column handles of `{}`.", m.table);
    let columns = m.fields.iter().map(column_tokens);
    let s = schema();
    quote! {
        #[doc = #doc]
        #[allow(non_upper_case_globals, unused_imports)]
        #vis mod #module {
            use super::*;
            #[doc(hidden)]
            pub const __COLUMNS: &'static [#s::ColumnDef] = &[#(#columns),*];
            #statics
            #(#items)*
        }
    }
}

fn statements_tokens(def: &TableDef) -> TokenStream {
    let s = schema();
    let each = DialectKind::ALL.iter().map(|k| {
        let TableStatements { insert, select, find, update, delete, count } = table_statements(k.dialect(), def);
        quote!(#s::statements::TableStatements { insert: #insert, select: #select, find: #find, update: #update, delete: #delete, count: #count })
    });
    quote!(&[#(#each),*])
}

/// The key type: the key field's type, or a tuple for a composite key.
fn key_type(m: &Model) -> TokenStream {
    match m.key_fields().as_slice() {
        [one] => one.ty.to_token_stream(),
        many => {
            let tys = many.iter().map(|f| &f.ty);
            quote!((#(#tys,)*))
        }
    }
}

/// Everything generated for a table.
fn table(m: &Model) -> TokenStream {
    let rt = rt();
    let s = schema();
    let item = &m.item;
    let ident = &item.ident;
    let module = format_ident!("{}", m.module_name());
    let new_ident = format_ident!("New{}", ident);
    let name = &m.table;
    let order = m.attrs.order.unwrap_or(1000);
    let key_names = m.key_fields().into_iter().map(|f| cow(&f.column));
    let indexes = index_tokens(m);
    let statics = quote! {
        #[doc(hidden)]
        pub static __TABLE: #s::TableDef = #s::TableDef {
            name: ::std::borrow::Cow::Borrowed(#name),
            columns: ::std::borrow::Cow::Borrowed(__COLUMNS),
            primary_key: ::std::borrow::Cow::Borrowed(&[#(#key_names),*]),
            indexes: ::std::borrow::Cow::Borrowed(#indexes),
            order: #order,
        };
    };
    let module_tokens = module_tokens(m, &ident.to_token_stream(), statics);
    let statements = statements_tokens(&table_def(m));
    let assertions = assertions(m);
    let new_struct = new_struct(m, &new_ident);
    let codec = codec(m, &new_ident);
    let methods = methods(m, &new_ident);
    let key = key_type(m);
    quote! {
        #item
        #module_tokens
        #new_struct
        #assertions
        #methods

        impl #rt::Table for #ident {
            type New = #new_ident;
            type Key = #key;
            const NAME: &'static str = #name;
            const DEF: &'static #s::TableDef = &#module::__TABLE;
            const STATEMENTS: &'static [#s::statements::TableStatements<&'static str>; 3] = #statements;
            #codec
        }
    }
}

/// The insert shape: defaulted NOT NULL fields become `Option`s.
fn new_struct(m: &Model, new_ident: &syn::Ident) -> TokenStream {
    let vis = &m.item.vis;
    let fields = m.fields.iter().map(|f| {
        let (ident, ty) = (&f.ident, new_field_type(f));
        let doc = if omittable(f) {
            "`None` uses the column's default."
        } else {
            ""
        };
        quote!(#[doc = #doc] pub #ident: #ty)
    });
    let defaultable = m.fields.iter().all(|f| {
        omittable(f)
            || f.field_type
                .as_ref()
                .is_some_and(|t| t.nullable || !matches!(t.kind, Kind::Enum | Kind::Json))
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
fn codec(m: &Model, new_ident: &syn::Ident) -> TokenStream {
    let rt = rt();
    let all = m.fields.iter().map(|f| &f.ident).collect::<Vec<_>>();
    let keys = m.key_fields();
    let key_idents = keys.iter().map(|f| &f.ident).collect::<Vec<_>>();
    let rest = m
        .fields
        .iter()
        .filter(|f| !key_idents.contains(&&f.ident))
        .map(|f| &f.ident);
    let indices = 0..m.fields.len();
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
    let (new_key, bind_key) = match keys.as_slice() {
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
        fn prepare_new(new: &mut #new_ident, d: &dyn #rt::__private::invect_schema::Dialect) {
            #(if d.client_generates_uuid() && new.#uuid_defaults.is_none() {
                new.#uuid_defaults = ::core::option::Option::Some(#rt::__private::uuid::Uuid::new_v4());
            })*
        }
        fn bind_new(new: &#new_ident, args: &mut #rt::Args) -> #rt::value::BindResult {
            #(args.push(&new.#all)?;)*
            ::core::result::Result::Ok(())
        }
        fn new_key(new: &#new_ident) -> ::core::option::Option<Self::Key> {
            #new_key
        }
        fn bind_key(key: &Self::Key, args: &mut #rt::Args) -> #rt::value::BindResult {
            #bind_key
            ::core::result::Result::Ok(())
        }
        fn bind_update(&self, args: &mut #rt::Args) -> #rt::value::BindResult {
            #(args.push(&self.#rest)?;)*
            #(args.push(&self.#key_idents)?;)*
            ::core::result::Result::Ok(())
        }
        fn decode(row: #rt::RowRef<'_>) -> ::core::result::Result<Self, #rt::__private::SqlxError> {
            ::core::result::Result::Ok(Self { #(#all: row.get(#indices)?,)* })
        }
    }
}

/// Inherent methods, so the queries need no trait import.
fn methods(m: &Model, new_ident: &syn::Ident) -> TokenStream {
    let rt = rt();
    let ident = &m.item.ident;
    let (key_param, key_expr) = match m.key_fields().as_slice() {
        [one] => {
            let ty = &one.ty;
            (quote!(impl ::core::convert::Into<#ty>), quote!(&key.into()))
        }
        _ => (quote!(<Self as #rt::Table>::Key), quote!(&key)),
    };
    quote! {
        #[allow(dead_code)]
        impl #ident {
            /// Starts a query over this table's rows.
            pub fn select() -> #rt::query::Select<Self> {
                ::core::default::Default::default()
            }
            /// Inserts a row and returns it as stored (database defaults filled in).
            pub async fn insert(db: impl #rt::Executor, new: #new_ident) -> #rt::Result<Self> {
                #rt::query::insert::<Self>(db, new).await
            }
            /// Inserts many rows in chunked multi-row INSERTs, in one transaction.
            pub async fn insert_many(db: impl #rt::Executor, rows: impl ::core::iter::IntoIterator<Item = #new_ident>) -> #rt::Result<u64> {
                #rt::query::insert_many::<Self>(db, rows).await
            }
            /// The row with this primary key, if any.
            pub async fn find(db: impl #rt::Executor, key: #key_param) -> #rt::Result<::core::option::Option<Self>> {
                #rt::query::find::<Self>(db, #key_expr).await
            }
            /// Writes every column of `row` by its primary key; returns the rows matched.
            pub async fn update(db: impl #rt::Executor, row: &Self) -> #rt::Result<u64> {
                #rt::query::update::<Self>(db, row).await
            }
            /// A partial update of the rows matching `filter`.
            pub fn update_where(filter: #rt::Expr<Self>) -> #rt::query::UpdateWhere<Self> {
                #rt::query::UpdateWhere::new(filter)
            }
            /// Deletes the row with this primary key; returns the rows deleted.
            pub async fn delete(db: impl #rt::Executor, key: #key_param) -> #rt::Result<u64> {
                #rt::query::delete::<Self>(db, #key_expr).await
            }
            /// Deletes the rows matching `filter`; returns how many.
            pub async fn delete_where(db: impl #rt::Executor, filter: #rt::Expr<Self>) -> #rt::Result<u64> {
                #rt::query::delete_where::<Self>(db, filter).await
            }
        }
    }
}

/// Everything generated for `extends = Target`: metadata and column handles
/// whose table is the target, so filters and partial updates on the target
/// can use the new columns.
pub fn extension(m: &Model) -> TokenStream {
    let rt = rt();
    let s = schema();
    let item = &m.item;
    let ident = &item.ident;
    let target = m
        .attrs
        .extends
        .as_ref()
        .map(|p| p.to_token_stream())
        .unwrap_or_default();
    let module = format_ident!("{}", m.module_name());
    let indexes = index_tokens(m);
    let all = m.fields.iter().map(|f| &f.ident).collect::<Vec<_>>();
    let indices = 0..m.fields.len();
    let statics = quote! {
        #[doc(hidden)]
        pub static __EXTENSION: #s::Extension = #s::Extension {
            table: ::std::borrow::Cow::Borrowed(<#target as #rt::Table>::NAME),
            columns: ::std::borrow::Cow::Borrowed(__COLUMNS),
            indexes: ::std::borrow::Cow::Borrowed(#indexes),
        };
    };
    let module_tokens = module_tokens(m, &target, statics);
    let assertions = assertions(m);
    quote! {
        #item
        #module_tokens
        #assertions

        impl #rt::TableExtension for #ident {
            type Target = #target;
            const EXTENSION: &'static #s::Extension = &#module::__EXTENSION;
            fn bind(&self, args: &mut #rt::Args) -> #rt::value::BindResult {
                #(args.push(&self.#all)?;)*
                ::core::result::Result::Ok(())
            }
            fn decode(row: #rt::RowRef<'_>) -> ::core::result::Result<Self, #rt::__private::SqlxError> {
                ::core::result::Result::Ok(Self { #(#all: row.get(#indices)?,)* })
            }
        }

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
