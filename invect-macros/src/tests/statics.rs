//! The statics the tokens build equal the value the macro lowered: the
//! tokens are read back (`eval.rs`) and compared field by field, and their
//! DDL rendered in every dialect.

use invect_schema::{DialectKind, Extension, TableDef, render_table};
use quote::quote;

use super::eval;
use crate::ast::Model;
use crate::ctxt::Ctxt;
use crate::lower::{Lowered, lower};
use crate::tokens::{columns_expr, extension_expr, table_expr};

fn model(args: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> Model {
    let mut cx = Ctxt::default();
    let m = Model::from_item(&mut cx, args, syn::parse2(item).expect("a struct"));
    assert!(cx.finish().is_ok());
    m
}

/// Every column type, default, index kind, a foreign key and an enum.
fn every_feature() -> Model {
    model(
        quote!(
            name = "audit_logs",
            order = -5,
            primary_key(id, seq),
            index(action, seq),
            unique(note)
        ),
        quote! {
            pub struct AuditLog {
                #[invect(default = uuid)]
                pub id: Uuid,
                #[invect(default = -1)]
                pub seq: i32,
                #[invect(max_length = 80, index, default = "x")]
                pub action: String,
                #[invect(text, rename = "note_text")]
                pub note: Option<String>,
                #[invect(references = flows::id, on_delete = restrict, unique)]
                pub flow_id: Uuid,
                #[invect(enum, default = "PENDING")]
                pub status: FlowRunStatus,
                #[invect(default = now)]
                pub created_at: DateTime<Utc>,
                #[invect(default = true)]
                pub active: bool,
                #[invect(default = 9_000_000_000)]
                pub big: i64,
                #[invect(default = "{}")]
                pub data: serde_json::Value,
                pub plain: String,
            }
        },
    )
}

#[test]
fn quoted_table_equals_lowered_table() {
    let m = every_feature();
    let lowered = lower(&m);
    let Lowered::Table(def) = &lowered else {
        panic!("a table")
    };
    let read: TableDef = eval::table(
        &table_expr(def, &quote!(__COLUMNS)),
        &columns_expr(&m, &lowered),
    );
    assert_eq!(&read, def);
    for kind in DialectKind::ALL {
        assert_eq!(
            render_table(kind.dialect(), &read),
            render_table(kind.dialect(), def)
        );
    }
    // The lowering itself: what the attributes say.
    assert_eq!(def.primary_key.as_ref(), ["id", "seq"]);
    assert_eq!(def.order, -5);
    assert_eq!(def.indexes.len(), 3);
    assert_eq!(def.column("note_text").map(|c| c.nullable), Some(true));
}

#[test]
fn quoted_extension_columns_equal_lowered_columns() {
    let m = model(
        quote!(extends = crate::Flow, index(tenant_id, external_ref)),
        quote! {
            pub struct FlowTenant {
                #[invect(default = "acme")]
                pub tenant_id: String,
                pub external_ref: Option<String>,
            }
        },
    );
    let lowered = lower(&m);
    let Lowered::Extension(ext) = &lowered else {
        panic!("an extension")
    };
    let target: syn::Path = syn::parse_quote!(crate::Flow);
    let tokens = extension_expr(ext, &target, &quote!(__COLUMNS)).to_string();
    assert!(tokens.contains("< crate :: Flow as :: invect_runtime :: Table > :: NAME"));
    let read = Extension {
        table: ext.table.clone(),
        columns: eval::columns(&columns_expr(&m, &lowered)).into(),
        indexes: ext.indexes.clone(),
    };
    assert_eq!(&read, ext);
    assert_eq!(ext.table, "crate::Flow");
}
