//! Each mistake gives exactly one error, with the schema's message where
//! the rule is invect-schema's.

use proc_macro2::TokenStream;
use quote::quote;

use super::{compile_errors, expand};

fn errors(args: TokenStream, item: TokenStream) -> Vec<String> {
    compile_errors(&expand(args, item))
}

fn one_error(args: TokenStream, item: TokenStream) -> String {
    let mut all = errors(args, item);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

#[test]
fn a_clean_table_has_no_error() {
    let out = errors(
        quote!(),
        quote!(
            struct Flow {
                #[invect(primary_key)]
                id: i64,
            }
        ),
    );
    assert_eq!(out, Vec::<String>::new());
}

#[test]
fn table_name_rule_is_the_schemas() {
    let e = one_error(
        quote!(name = "Audit"),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: i64,
            }
        ),
    );
    assert!(
        e.starts_with("table name `Audit` is not a plain identifier"),
        "{e}"
    );
}

#[test]
fn a_table_name_that_is_no_rust_identifier_is_one_error() {
    for name in ["audit-logs", "", "2x"] {
        let out = expand(
            quote!(name = #name),
            quote!(
                struct A {
                    #[invect(primary_key)]
                    id: i64,
                }
            ),
        );
        assert_eq!(compile_errors(&out).len(), 1, "{name}");
        assert!(
            out.to_string()
                .contains("impl :: invect_runtime :: Table for A")
        );
    }
}

#[test]
fn duplicate_column_rule_is_the_schemas() {
    let e = one_error(
        quote!(name = "audit_logs"),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: i64,
                name: String,
                #[invect(rename = "name")]
                title: String,
            }
        ),
    );
    assert_eq!(
        e,
        "table `audit_logs` declares column `name` twice; rename one of them"
    );
}

#[test]
fn a_column_used_three_times_is_two_duplicates() {
    let all = errors(
        quote!(name = "t"),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: i64,
                #[invect(rename = "id")]
                b: i64,
                #[invect(rename = "id")]
                c: i64,
            }
        ),
    );
    assert_eq!(all.len(), 2, "{all:?}");
}

#[test]
fn no_primary_key_rule_is_the_schemas() {
    let e = one_error(
        quote!(name = "audit_logs"),
        quote!(
            struct A {
                id: i64,
            }
        ),
    );
    assert_eq!(
        e,
        "table `audit_logs` has no primary key; mark a column `primary_key`"
    );
}

#[test]
fn a_misspelled_primary_key_is_one_error() {
    let e = one_error(
        quote!(),
        quote!(
            struct A {
                #[invect(primary_kee)]
                id: i64,
            }
        ),
    );
    assert!(e.starts_with("unknown attribute `primary_kee`"), "{e}");
}

#[test]
fn nullable_primary_key_rule_is_the_schemas() {
    let e = one_error(
        quote!(name = "t"),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: Option<i64>,
            }
        ),
    );
    assert_eq!(
        e,
        "table `t`: primary key column `id` is nullable; make it NOT NULL"
    );
}

#[test]
fn unknown_key_field_names_the_fields() {
    let e = one_error(
        quote!(name = "flow_versions", primary_key(flow_id, versoin)),
        quote!(
            struct A {
                flow_id: i64,
                version: i32,
            }
        ),
    );
    assert_eq!(
        e,
        "table `flow_versions`: primary key names column `versoin`, which the table does not have; \
         the fields are flow_id, version"
    );
}

#[test]
fn unknown_index_field_names_the_fields() {
    let e = one_error(
        quote!(name = "t", index(create_at)),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: i64,
                created_at: i64,
            }
        ),
    );
    assert!(
        e.starts_with("table `t`: an index names column `create_at`"),
        "{e}"
    );
}

#[test]
fn default_rule_is_the_schemas() {
    let e = one_error(
        quote!(),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: i64,
                #[invect(default = "x")]
                n: i32,
            }
        ),
    );
    assert_eq!(
        e,
        "default `\"x\"` does not fit a number column; use an integer literal within i32"
    );
}

#[test]
fn an_enum_string_default_is_left_to_the_compiler() {
    let out = errors(
        quote!(),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: i64,
                #[invect(enum, default = "X")]
                s: Level,
            }
        ),
    );
    assert_eq!(out, Vec::<String>::new());
    let e = one_error(
        quote!(),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: i64,
                #[invect(enum, default = 1)]
                s: Level,
            }
        ),
    );
    assert!(
        e.starts_with("default `1` does not fit a enum level column"),
        "{e}"
    );
}

#[test]
fn max_length_rule_is_the_schemas() {
    let e = one_error(
        quote!(),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: i64,
                #[invect(max_length = 0)]
                s: String,
            }
        ),
    );
    assert_eq!(
        e,
        "max_length 0 is out of range; use 1 to 16383, or `text` for longer values"
    );
}

#[test]
fn set_null_rule_is_the_schemas() {
    let e = one_error(
        quote!(),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: i64,
                #[invect(references = flows::id, on_delete = set_null)]
                f: i64,
            }
        ),
    );
    assert_eq!(
        e,
        "on_delete = set_null needs a nullable column (Option<T>)"
    );
}

#[test]
fn extension_not_null_keeps_the_macros_message() {
    let e = one_error(
        quote!(extends = Flow),
        quote!(
            struct A {
                tenant_id: String,
            }
        ),
    );
    assert!(
        e.starts_with("column `tenant_id` is added to an existing table"),
        "{e}"
    );
}

#[test]
fn an_unsupported_key_type_is_one_error() {
    let e = one_error(
        quote!(),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: Option<Vec<u8>>,
            }
        ),
    );
    assert!(e.starts_with("unsupported field type"), "{e}");
}

#[test]
fn a_tuple_struct_is_one_error() {
    let e = one_error(
        quote!(),
        quote!(
            struct A(i64);
        ),
    );
    assert!(
        e.starts_with("#[invect_table] needs a struct with named fields"),
        "{e}"
    );
}

#[test]
fn rust_rules_stay_in_the_macro() {
    let e = one_error(
        quote!(),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: i64,
                #[invect(max_length = 5)]
                n: i32,
            }
        ),
    );
    assert_eq!(e, "`max_length` applies only to String fields");
    let e = one_error(
        quote!(),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: i64,
                #[invect(on_delete = cascade)]
                n: i32,
            }
        ),
    );
    assert_eq!(
        e,
        "`on_delete` needs `references = table::column` on the same field"
    );
}

#[test]
fn every_mistake_is_reported_at_once() {
    let all = errors(
        quote!(name = "t"),
        quote!(
            struct A {
                #[invect(primary_key)]
                id: i64,
                #[invect(max_length = 0)]
                a: String,
                #[invect(default = now)]
                b: i32,
            }
        ),
    );
    assert_eq!(all.len(), 2, "{all:?}");
}

#[test]
fn enum_rules_are_the_schemas() {
    let out = crate::expand::derive_invect_enum_inner(quote! {
        #[invect(rename_all = "lowercase")]
        enum Level { Info, #[invect(rename = "info")] Other, #[invect(rename = "")] Empty }
    });
    assert_eq!(
        compile_errors(&out),
        [
            "enum type `level`: declares value \"info\" twice",
            "enum type `level`: has an empty value"
        ]
    );
    assert!(
        out.to_string()
            .contains("impl :: invect_runtime :: InvectEnum for Level")
    );
}
