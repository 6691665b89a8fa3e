//! Rust field types and the abstract column types they map to.

use syn::{GenericArgument, PathArguments, Type};

/// The supported Rust types, for the "unsupported type" message.
pub const SUPPORTED: &str = "String, i32, i64, bool, DateTime<Utc>, Uuid, Json<T>, serde_json::Value, \
     an enum with #[derive(InvectEnum)] (mark the field #[invect(enum)]), or Option<T> of one of these";

/// What kind of value a field holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    String,
    I32,
    I64,
    Bool,
    DateTime,
    Uuid,
    Json,
    Enum,
}

/// A field's type, with `Option` peeled off.
#[derive(Clone)]
pub struct FieldType {
    pub kind: Kind,
    pub nullable: bool,
    /// The type without `Option`.
    pub inner: Type,
}

/// Maps a field type; `is_enum` comes from `#[invect(enum)]`.
pub fn field_type(ty: &Type, is_enum: bool) -> Option<FieldType> {
    if let Some(inner) = option_inner(ty) {
        let mut t = field_type(inner, is_enum)?;
        if t.nullable {
            return None; // Option<Option<T>> has no column type
        }
        t.nullable = true;
        return Some(t);
    }
    let kind = if is_enum {
        Some(Kind::Enum)
    } else {
        scalar_kind(ty)
    }?;
    Some(FieldType {
        kind,
        nullable: false,
        inner: ty.clone(),
    })
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

fn option_inner(ty: &Type) -> Option<&Type> {
    let seg = last_segment(ty).filter(|s| s.ident == "Option")?;
    match &seg.arguments {
        PathArguments::AngleBracketed(a) if a.args.len() == 1 => match a.args.first() {
            Some(GenericArgument::Type(t)) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

fn scalar_kind(ty: &Type) -> Option<Kind> {
    let seg = last_segment(ty)?;
    let plain = matches!(seg.arguments, PathArguments::None);
    Some(match seg.ident.to_string().as_str() {
        "String" if plain => Kind::String,
        "i32" if plain => Kind::I32,
        "i64" if plain => Kind::I64,
        "bool" if plain => Kind::Bool,
        "Uuid" if plain => Kind::Uuid,
        "Value" if plain => Kind::Json,
        "DateTime" if generic_is(seg, "Utc") => Kind::DateTime,
        "Json" if !plain => Kind::Json,
        _ => return None,
    })
}

fn generic_is(seg: &syn::PathSegment, name: &str) -> bool {
    match &seg.arguments {
        PathArguments::AngleBracketed(a) => matches!(
            a.args.first(),
            Some(GenericArgument::Type(t)) if last_segment(t).is_some_and(|s| s.ident == name)
        ),
        _ => false,
    }
}

/// The last path segment's name (`FlowRunStatus` for `crate::FlowRunStatus`).
pub fn type_ident(ty: &Type) -> Option<&syn::Ident> {
    last_segment(ty).map(|s| &s.ident)
}

/// `FlowRunStatus` → `flow_run_status`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
