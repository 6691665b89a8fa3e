//! The typed model of one `#[invect_table]` struct, keeping the syn nodes for spans.

use syn::{Ident, ItemStruct, Type};

use crate::attr::{FieldAttrs, TableAttrs, parse_field, parse_table};
use crate::ctxt::Ctxt;
use crate::types::{FieldType, SUPPORTED, field_type, snake_case};

/// One field and the column it declares.
pub struct Field {
    pub ident: Ident,
    pub ty: Type,
    /// `None` when the type is unsupported (already reported).
    pub field_type: Option<FieldType>,
    pub column: String,
    pub attrs: FieldAttrs,
}

/// The whole declaration.
pub struct Model {
    pub item: ItemStruct,
    pub table: String,
    pub attrs: TableAttrs,
    pub fields: Vec<Field>,
}

impl Model {
    /// Reads the struct; problems go to `cx`, the model is returned regardless.
    pub fn from_item(cx: &mut Ctxt, args: proc_macro2::TokenStream, mut item: ItemStruct) -> Model {
        let attrs = parse_table(cx, args);
        let table = attrs
            .name
            .as_ref()
            .map_or_else(|| snake_case(&item.ident.to_string()), |n| n.value());
        let mut fields = Vec::new();
        match &mut item.fields {
            syn::Fields::Named(named) => {
                for f in named.named.iter_mut() {
                    fields.push(read_field(cx, f));
                    f.attrs.retain(|a| !a.path().is_ident("invect"));
                }
            }
            other => cx.error_at(
                &*other,
                "#[invect_table] needs a struct with named fields, one per column",
            ),
        }
        if !item.generics.params.is_empty() {
            cx.error_at(&item.generics, "#[invect_table] structs cannot be generic");
        }
        Model {
            item,
            table,
            attrs,
            fields,
        }
    }

    pub fn field(&self, ident: &Ident) -> Option<&Field> {
        self.fields.iter().find(|f| f.ident == *ident)
    }

    /// Module of column handles: the table name for tables, the snake_case
    /// struct name for extensions.
    pub fn module_name(&self) -> String {
        if self.attrs.extends.is_some() {
            snake_case(&self.item.ident.to_string())
        } else {
            self.table.clone()
        }
    }
}

fn read_field(cx: &mut Ctxt, f: &syn::Field) -> Field {
    let attrs = parse_field(cx, &f.attrs);
    let ident = f
        .ident
        .clone()
        .unwrap_or_else(|| Ident::new("_", proc_macro2::Span::call_site()));
    let field_type = field_type(&f.ty, attrs.is_enum);
    if attrs.is_enum && crate::types::field_type(&f.ty, false).is_some() {
        cx.error_at(&f.ty, "`enum` is for types with #[derive(InvectEnum)]; this type already maps to a column type, so remove `enum`");
    } else if field_type.is_none() {
        cx.error_at(
            &f.ty,
            format!("unsupported field type for an Invect column; supported: {SUPPORTED}"),
        );
    }
    let column = attrs.rename.as_ref().map_or_else(
        || ident.to_string().trim_start_matches("r#").to_string(),
        |r| r.value(),
    );
    Field {
        ident,
        ty: f.ty.clone(),
        field_type,
        column,
        attrs,
    }
}
