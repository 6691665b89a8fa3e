//! Attribute keys, and the lists shown when one is unknown.

pub const NAME: &str = "name";
pub const EXTENDS: &str = "extends";
pub const ORDER: &str = "order";
pub const PRIMARY_KEY: &str = "primary_key";
pub const INDEX: &str = "index";
pub const UNIQUE: &str = "unique";
pub const DEFAULT: &str = "default";
pub const REFERENCES: &str = "references";
pub const ON_DELETE: &str = "on_delete";
pub const MAX_LENGTH: &str = "max_length";
pub const TEXT: &str = "text";
pub const RENAME: &str = "rename";
pub const ENUM: &str = "enum";
pub const RENAMED_FROM: &str = "renamed_from";

/// Keys of `#[invect_table(...)]`.
pub const TABLE_KEYS: &[&str] = &[
    NAME,
    EXTENDS,
    ORDER,
    PRIMARY_KEY,
    INDEX,
    UNIQUE,
    RENAMED_FROM,
];
/// Keys of `#[invect(...)]` on a field.
pub const FIELD_KEYS: &[&str] = &[
    PRIMARY_KEY,
    UNIQUE,
    INDEX,
    DEFAULT,
    REFERENCES,
    ON_DELETE,
    MAX_LENGTH,
    TEXT,
    RENAME,
    ENUM,
    RENAMED_FROM,
];
/// Values of `on_delete`.
pub const ON_DELETE_VALUES: &[&str] = &["cascade", "set_null", "restrict", "no_action"];

/// `` `a`, `b`, `c` `` for messages.
pub fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
