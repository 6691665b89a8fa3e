//! The whole expansion of a few declarations, compared with files.

use std::path::PathBuf;

use quote::quote;

use super::pretty::pretty;
use super::{compile_errors, expand};

/// Compares `actual` with `tests/snapshots/<name>.rs`, or writes it there
/// when `INVECT_BLESS` is set.
fn assert_snapshot(name: &str, actual: &proc_macro2::TokenStream) {
    let text = pretty(actual);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.rs"));
    if std::env::var_os("INVECT_BLESS").is_some() {
        std::fs::write(&path, &text).expect("write the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; run INVECT_BLESS=1 cargo test -p invect-macros",
            path.display()
        )
    });
    assert!(
        text == expected,
        "the expansion of `{name}` changed; compare with {}, and if the change is \
         intended re-bless with INVECT_BLESS=1 cargo test -p invect-macros\n\n{text}",
        path.display()
    );
}

#[test]
fn small_table() {
    let out = expand(
        quote!(name = "audit_logs", order = 100),
        quote! {
            pub struct AuditLog {
                #[invect(primary_key, default = uuid)]
                pub id: Uuid,
                #[invect(max_length = 80, index)]
                pub action: String,
                #[invect(references = flows::id, on_delete = set_null)]
                pub flow_id: Option<Uuid>,
                #[invect(enum, default = "PENDING")]
                pub status: FlowRunStatus,
                #[invect(default = now)]
                pub created_at: DateTime<Utc>,
            }
        },
    );
    assert_eq!(compile_errors(&out), Vec::<String>::new());
    assert_snapshot("small_table", &out);
}

#[test]
fn composite_key() {
    let out = expand(
        quote!(
            name = "flow_versions",
            primary_key(flow_id, version),
            unique(flow_id, label)
        ),
        quote! {
            pub struct FlowVersion {
                pub flow_id: Uuid,
                pub version: i32,
                #[invect(text)]
                pub label: String,
                #[invect(default = 0)]
                pub runs: i64,
                pub data: Json<serde_json::Value>,
            }
        },
    );
    assert_eq!(compile_errors(&out), Vec::<String>::new());
    assert_snapshot("composite_key", &out);
}

#[test]
fn invect_enum() {
    let out = crate::expand::derive_invect_enum_inner(quote! {
        #[invect(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum FlowRunStatus {
            Pending,
            Running,
            #[invect(rename = "DONE")]
            Success,
        }
    });
    assert_eq!(compile_errors(&out), Vec::<String>::new());
    assert_snapshot("invect_enum", &out);
}

#[test]
fn extension() {
    let out = expand(
        quote!(extends = Flow),
        quote! {
            pub struct FlowTenant {
                #[invect(default = "acme", index)]
                pub tenant_id: String,
                #[invect(unique)]
                pub external_ref: Option<String>,
            }
        },
    );
    assert_eq!(compile_errors(&out), Vec::<String>::new());
    assert_snapshot("extension", &out);
}

/// One misspelled attribute: one `compile_error!`, and the struct, column
/// module, `Table` impl and queries still there (stub bodies).
#[test]
fn misspelled_attribute() {
    let out = expand(
        quote!(name = "things"),
        quote! {
            pub struct Thing {
                #[invect(primary_key)]
                pub id: i64,
                #[invect(max_lenght = 20)]
                pub name: String,
            }
        },
    );
    let errors = compile_errors(&out);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("unknown attribute `max_lenght`"),
        "{errors:?}"
    );
    let text = out.to_string();
    for expected in [
        "pub struct Thing",
        "pub mod things",
        "pub struct name ;",
        "impl :: invect_runtime :: Table for Thing",
        "pub struct NewThing",
    ] {
        assert!(text.contains(expected), "no `{expected}` in {text}");
    }
    assert_snapshot("misspelled_attribute", &out);
}
