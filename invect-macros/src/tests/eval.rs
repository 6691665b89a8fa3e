//! Reads the tokens of a quoted static back into invect-schema values, so a
//! test can compare them with the lowered value they were quoted from. Knows
//! exactly the forms `tokens.rs` writes; anything else panics.

use std::borrow::Cow;

use invect_schema::{
    ColumnDef, ColumnType, DefaultValue, EnumDef, ForeignKey, IndexDef, Name, OnDelete, TableDef,
};
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Expr, ExprStruct, Lit};

use crate::lower::enum_stand_in;

fn parse(tokens: &TokenStream) -> Expr {
    syn::parse2(tokens.clone()).expect("quoted tokens are an expression")
}

/// `TableDef { .. }` whose `columns` are `__COLUMNS`, given separately.
pub fn table(def: &TokenStream, columns: &TokenStream) -> TableDef {
    let e = parse(def);
    let s = as_struct(&e, "TableDef");
    TableDef {
        name: name(field(s, "name")),
        columns: Cow::Owned(array(&parse(columns)).iter().map(column).collect()),
        primary_key: list(field(s, "primary_key"), name),
        indexes: list(field(s, "indexes"), index),
        order: int(field(s, "order")) as i32,
        renamed_from: option(field(s, "renamed_from"), name),
    }
}

/// `&[ColumnDef { .. }, ..]`.
pub fn columns(tokens: &TokenStream) -> Vec<ColumnDef> {
    array(&parse(tokens)).iter().map(column).collect()
}

fn column(e: &Expr) -> ColumnDef {
    let s = as_struct(e, "ColumnDef");
    ColumnDef {
        name: name(field(s, "name")),
        ty: column_type(field(s, "ty")),
        nullable: boolean(field(s, "nullable")),
        default: option(field(s, "default"), default),
        unique: boolean(field(s, "unique")),
        references: option(field(s, "references"), foreign_key),
        renamed_from: option(field(s, "renamed_from"), name),
    }
}

fn column_type(e: &Expr) -> ColumnType {
    match e {
        Expr::Struct(s) if last(&s.path) == "String" => ColumnType::String {
            max_length: option(field(s, "max_length"), |e| int(e) as u32),
        },
        Expr::Call(c) if callee(c) == "Enum" => ColumnType::Enum(enum_def(&c.args[0])),
        Expr::Path(p) => match last(&p.path).as_str() {
            "Text" => ColumnType::Text,
            "Number" => ColumnType::Number,
            "BigInt" => ColumnType::BigInt,
            "Boolean" => ColumnType::Boolean,
            "Date" => ColumnType::Date,
            "Json" => ColumnType::Json,
            "Uuid" => ColumnType::Uuid,
            other => panic!("unknown column type {other}"),
        },
        other => panic!("unexpected column type {}", show(other)),
    }
}

/// `EnumDef { .. }`, or `<T as InvectEnum>::ENUM_DEF`, whose value the
/// compiler supplies: read as the stand-in `lower.rs` makes for `T`.
fn enum_def(e: &Expr) -> EnumDef {
    match e {
        Expr::Path(p) => {
            let qself = p.qself.as_ref().expect("<T as InvectEnum>::ENUM_DEF");
            enum_stand_in(&qself.ty)
        }
        _ => {
            let s = as_struct(e, "EnumDef");
            EnumDef {
                name: name(field(s, "name")),
                values: list(field(s, "values"), name),
            }
        }
    }
}

fn default(e: &Expr) -> DefaultValue {
    match e {
        Expr::Path(p) if last(&p.path) == "Now" => DefaultValue::Now,
        Expr::Path(p) if last(&p.path) == "Uuid" => DefaultValue::Uuid,
        Expr::Call(c) => match callee(c).as_str() {
            "Str" => DefaultValue::Str(name(&c.args[0])),
            "Int" => DefaultValue::Int(int(&c.args[0])),
            "Bool" => DefaultValue::Bool(boolean(&c.args[0])),
            other => panic!("unknown default {other}"),
        },
        other => panic!("unexpected default {}", show(other)),
    }
}

/// The target's names come from `<path as Column>`: read as the path's
/// module and last segment, as `lower.rs` does.
fn foreign_key(e: &Expr) -> ForeignKey {
    let s = as_struct(e, "ForeignKey");
    let column_path = |e: &Expr| -> Vec<String> {
        let Expr::Call(c) = e else {
            panic!("Cow::Borrowed(..)")
        };
        let Expr::Path(p) = &c.args[0] else {
            panic!("<..>::NAME")
        };
        let mut ty = &p.qself.as_ref().expect("a qualified path").ty;
        while let syn::Type::Path(tp) = &**ty {
            match &tp.qself {
                Some(q) => ty = &q.ty,
                None => {
                    return tp
                        .path
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect();
                }
            }
        }
        panic!("a column handle path")
    };
    let path = column_path(field(s, "column"));
    let on_delete = match field(s, "on_delete") {
        Expr::Path(p) => match last(&p.path).as_str() {
            "Cascade" => OnDelete::Cascade,
            "SetNull" => OnDelete::SetNull,
            "Restrict" => OnDelete::Restrict,
            "NoAction" => OnDelete::NoAction,
            other => panic!("unknown on_delete {other}"),
        },
        other => panic!("unexpected on_delete {}", show(other)),
    };
    ForeignKey {
        table: Cow::Owned(path[path.len() - 2].clone()),
        column: Cow::Owned(path[path.len() - 1].clone()),
        on_delete,
    }
}

fn index(e: &Expr) -> IndexDef {
    let s = as_struct(e, "IndexDef");
    IndexDef {
        columns: list(field(s, "columns"), name),
        unique: boolean(field(s, "unique")),
    }
}

fn as_struct<'e>(e: &'e Expr, ty: &str) -> &'e ExprStruct {
    match e {
        Expr::Struct(s) if last(&s.path) == ty => s,
        other => panic!("expected {ty} {{ .. }}, got {}", show(other)),
    }
}

fn field<'e>(s: &'e ExprStruct, name: &str) -> &'e Expr {
    let f = s
        .fields
        .iter()
        .find(|f| matches!(&f.member, syn::Member::Named(i) if i == name));
    &f.unwrap_or_else(|| panic!("field {name}")).expr
}

fn last(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

fn callee(c: &syn::ExprCall) -> String {
    match &*c.func {
        Expr::Path(p) => last(&p.path),
        other => panic!("unexpected callee {}", show(other)),
    }
}

/// `Cow::Borrowed("x")`.
fn name(e: &Expr) -> Name {
    let Expr::Call(c) = e else {
        panic!("Cow::Borrowed(\"..\"), got {}", show(e))
    };
    match &c.args[0] {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Cow::Owned(s.value()),
            other => panic!("a string, got {}", show(other)),
        },
        other => panic!("a literal, got {}", show(other)),
    }
}

/// `Cow::Borrowed(&[..])`.
fn list<T: Clone>(e: &Expr, item: impl Fn(&Expr) -> T) -> Cow<'static, [T]> {
    let Expr::Call(c) = e else {
        panic!("Cow::Borrowed(&[..]), got {}", show(e))
    };
    Cow::Owned(array(&c.args[0]).iter().map(item).collect())
}

/// `&[a, b]`.
fn array(e: &Expr) -> Vec<Expr> {
    match e {
        Expr::Reference(r) => match &*r.expr {
            Expr::Array(a) => a.elems.iter().cloned().collect(),
            other => panic!("an array, got {}", show(other)),
        },
        other => panic!("&[..], got {}", show(other)),
    }
}

fn option<T>(e: &Expr, some: impl Fn(&Expr) -> T) -> Option<T> {
    match e {
        Expr::Path(p) if last(&p.path) == "None" => None,
        Expr::Call(c) if callee(c) == "Some" => Some(some(&c.args[0])),
        other => panic!("an Option, got {}", show(other)),
    }
}

fn int(e: &Expr) -> i64 {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => i.base10_parse().expect("an integer"),
            other => panic!("an integer, got {}", show(other)),
        },
        Expr::Unary(u) => -int(&u.expr),
        other => panic!("an integer, got {}", show(other)),
    }
}

fn boolean(e: &Expr) -> bool {
    match e {
        Expr::Lit(l) => matches!(&l.lit, Lit::Bool(b) if b.value),
        other => panic!("a bool, got {}", show(other)),
    }
}

fn show(t: &dyn ToTokens) -> String {
    t.to_token_stream().to_string()
}
