//! Turns the lowered invect-schema values into the tokens of the statics
//! that build them, through small `ToTokens` newtypes: [`Quoted`] for plain
//! values, [`RustColumn`] for a column whose enum type or foreign-key target
//! the compiler supplies. Each impl destructures its type completely, so a
//! field added to the schema model fails here until it is quoted too.

use invect_schema::{
    ColumnDef, ColumnType, DefaultValue, EnumDef, Extension, ForeignKey, IndexDef, Name, OnDelete,
    TableDef,
};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use std::borrow::Cow;

use crate::ast::{Field, Model};
use crate::lower::Lowered;

/// The runtime crate, as generated code names it.
pub fn rt() -> TokenStream {
    quote!(::invect_runtime)
}

/// invect-schema, through the runtime's re-export.
pub fn schema() -> TokenStream {
    quote!(::invect_runtime::__private::invect_schema)
}

/// An expression that evaluates, in a `static`, to the value it wraps.
pub struct Quoted<'a, T: ?Sized>(pub &'a T);

impl ToTokens for Quoted<'_, Name> {
    fn to_tokens(&self, out: &mut TokenStream) {
        let s: &str = self.0;
        out.extend(quote!(::std::borrow::Cow::Borrowed(#s)));
    }
}

impl<T: Clone> ToTokens for Quoted<'_, Cow<'static, [T]>>
where
    for<'b> Quoted<'b, T>: ToTokens,
{
    fn to_tokens(&self, out: &mut TokenStream) {
        let items = self.0.iter().map(Quoted);
        out.extend(quote!(::std::borrow::Cow::Borrowed(&[#(#items),*])));
    }
}

impl<T> ToTokens for Quoted<'_, Option<T>>
where
    for<'b> Quoted<'b, T>: ToTokens,
{
    fn to_tokens(&self, out: &mut TokenStream) {
        out.extend(match self.0 {
            Some(v) => {
                let v = Quoted(v);
                quote!(::core::option::Option::Some(#v))
            }
            None => quote!(::core::option::Option::None),
        });
    }
}

impl ToTokens for Quoted<'_, u32> {
    fn to_tokens(&self, out: &mut TokenStream) {
        self.0.to_tokens(out);
    }
}

impl ToTokens for Quoted<'_, DefaultValue> {
    fn to_tokens(&self, out: &mut TokenStream) {
        let s = schema();
        out.extend(match self.0 {
            DefaultValue::Now => quote!(#s::DefaultValue::Now),
            DefaultValue::Uuid => quote!(#s::DefaultValue::Uuid),
            DefaultValue::Str(v) => {
                let v = Quoted(v);
                quote!(#s::DefaultValue::Str(#v))
            }
            DefaultValue::Int(i) => quote!(#s::DefaultValue::Int(#i)),
            DefaultValue::Bool(b) => quote!(#s::DefaultValue::Bool(#b)),
        });
    }
}

impl ToTokens for Quoted<'_, OnDelete> {
    fn to_tokens(&self, out: &mut TokenStream) {
        let s = schema();
        out.extend(match self.0 {
            OnDelete::Cascade => quote!(#s::OnDelete::Cascade),
            OnDelete::SetNull => quote!(#s::OnDelete::SetNull),
            OnDelete::Restrict => quote!(#s::OnDelete::Restrict),
            OnDelete::NoAction => quote!(#s::OnDelete::NoAction),
        });
    }
}

impl ToTokens for Quoted<'_, EnumDef> {
    fn to_tokens(&self, out: &mut TokenStream) {
        let s = schema();
        let EnumDef { name, values } = self.0;
        let (name, values) = (Quoted(name), Quoted(values));
        out.extend(quote!(#s::EnumDef { name: #name, values: #values }));
    }
}

impl ToTokens for Quoted<'_, ColumnType> {
    fn to_tokens(&self, out: &mut TokenStream) {
        let s = schema();
        out.extend(match self.0 {
            ColumnType::String { max_length } => {
                let n = Quoted(max_length);
                quote!(#s::ColumnType::String { max_length: #n })
            }
            ColumnType::Text => quote!(#s::ColumnType::Text),
            ColumnType::Number => quote!(#s::ColumnType::Number),
            ColumnType::BigInt => quote!(#s::ColumnType::BigInt),
            ColumnType::Boolean => quote!(#s::ColumnType::Boolean),
            ColumnType::Date => quote!(#s::ColumnType::Date),
            ColumnType::Json => quote!(#s::ColumnType::Json),
            ColumnType::Uuid => quote!(#s::ColumnType::Uuid),
            ColumnType::Enum(e) => {
                let e = Quoted(e);
                quote!(#s::ColumnType::Enum(#e))
            }
        });
    }
}

impl ToTokens for Quoted<'_, IndexDef> {
    fn to_tokens(&self, out: &mut TokenStream) {
        let s = schema();
        let IndexDef { columns, unique } = self.0;
        let columns = Quoted(columns);
        out.extend(quote!(#s::IndexDef { columns: #columns, unique: #unique }));
    }
}

/// A column of the declaration: its enum type is `<T as InvectEnum>::ENUM_DEF`
/// and its foreign key names the referenced handle's table and column.
pub struct RustColumn<'a> {
    pub def: &'a ColumnDef,
    pub field: &'a Field,
}

impl RustColumn<'_> {
    fn ty(&self) -> TokenStream {
        let (s, rt) = (schema(), rt());
        match (&self.def.ty, &self.field.field_type) {
            (ColumnType::Enum(_), Some(ft)) => {
                let inner = &ft.inner;
                quote!(#s::ColumnType::Enum(<#inner as #rt::InvectEnum>::ENUM_DEF))
            }
            (ty, _) => Quoted(ty).to_token_stream(),
        }
    }

    fn references(&self) -> TokenStream {
        let (s, rt) = (schema(), rt());
        match (&self.def.references, &self.field.attrs.references) {
            (Some(ForeignKey { on_delete, .. }), Some(path)) => {
                let on_delete = Quoted(on_delete);
                quote!(::core::option::Option::Some(#s::ForeignKey {
                    table: ::std::borrow::Cow::Borrowed(<<#path as #rt::Column>::Table as #rt::Table>::NAME),
                    column: ::std::borrow::Cow::Borrowed(<#path as #rt::Column>::NAME),
                    on_delete: #on_delete,
                }))
            }
            _ => quote!(::core::option::Option::None),
        }
    }
}

impl ToTokens for RustColumn<'_> {
    fn to_tokens(&self, out: &mut TokenStream) {
        let s = schema();
        let ColumnDef {
            name,
            ty: _,
            nullable,
            default,
            unique,
            references: _,
            renamed_from,
        } = self.def;
        let (name, default, renamed_from) = (Quoted(name), Quoted(default), Quoted(renamed_from));
        let (ty, references) = (self.ty(), self.references());
        out.extend(quote!(#s::ColumnDef {
            name: #name, ty: #ty, nullable: #nullable, default: #default,
            unique: #unique, references: #references, renamed_from: #renamed_from,
        }));
    }
}

/// `&[ColumnDef { .. }, ..]`: every column, in field order.
pub fn columns_expr(m: &Model, lowered: &Lowered) -> TokenStream {
    let columns = lowered
        .columns()
        .iter()
        .zip(&m.fields)
        .map(|(def, field)| RustColumn { def, field });
    quote!(&[#(#columns),*])
}

/// `TableDef { .. }` whose columns are the expression `columns`.
pub fn table_expr(t: &TableDef, columns: &TokenStream) -> TokenStream {
    let s = schema();
    let TableDef {
        name,
        columns: _,
        primary_key,
        indexes,
        order,
        renamed_from,
    } = t;
    let (name, primary_key, indexes) = (Quoted(name), Quoted(primary_key), Quoted(indexes));
    let renamed_from = Quoted(renamed_from);
    quote!(#s::TableDef {
        name: #name,
        columns: ::std::borrow::Cow::Borrowed(#columns),
        primary_key: #primary_key,
        indexes: #indexes,
        order: #order,
        renamed_from: #renamed_from,
    })
}

/// `Extension { .. }` of table `target` whose columns are `columns`.
pub fn extension_expr(e: &Extension, target: &syn::Path, columns: &TokenStream) -> TokenStream {
    let (s, rt) = (schema(), rt());
    let Extension {
        table: _,
        columns: _,
        indexes,
    } = e;
    let indexes = Quoted(indexes);
    quote!(#s::Extension {
        table: ::std::borrow::Cow::Borrowed(<#target as #rt::Table>::NAME),
        columns: ::std::borrow::Cow::Borrowed(#columns),
        indexes: #indexes,
    })
}
