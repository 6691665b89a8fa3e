//! Two versions of a plugin for the schema-change tests (issue 13), and a
//! third that only narrows. `upgrade-cli` is `invect-cli` with the version
//! [`UPGRADE_VAR`] names.
//!
//! Version 1: `up_parents`, referenced by `up_old_items` and `up_children`;
//! `up_children` also references `up_old_items`.
//!
//! Version 2, from version 1:
//! - table `up_old_items` renamed to `up_items` (`renamed_from`), which
//!   `up_children.item_id` references;
//! - column `up_children.title` renamed to `label`;
//! - `up_parents.name` widened from `string(50)` to `text` and
//!   `up_parents.score` from `number` to `bigint`;
//! - `up_children.note` made nullable;
//! - `up_items.legacy` dropped (it is nullable in version 1, so that the
//!   down migration, which restores the definition but not the data, can
//!   bring it back on a table with rows);
//! - a new index on `up_children.label`.
//!
//! The narrowing version is version 1 with `up_children.note` turned from
//! `string` into `number` and `up_old_items.legacy` made NOT NULL without
//! a default: both refuse rows the tests put there.

use invect_runtime::Plugin;

/// The environment variable choosing `upgrade-cli`'s plugin version.
pub const UPGRADE_VAR: &str = "INVECT_TEST_UPGRADE";

/// The plugin's name.
const NAME: &str = "upgrade";

/// Version 1.
pub mod v1 {
    use invect_runtime::prelude::*;

    /// The table both others reference.
    #[invect_table(name = "up_parents")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct UpParent {
        #[invect(primary_key)]
        pub id: String,
        #[invect(max_length = 50)]
        pub name: String,
        pub score: i32,
    }

    /// The table version 2 renames to `up_items`.
    #[invect_table(name = "up_old_items")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct UpOldItem {
        #[invect(primary_key)]
        pub id: String,
        #[invect(references = up_parents::id, on_delete = cascade, index)]
        pub parent_id: String,
        pub qty: i32,
        /// Dropped by version 2.
        pub legacy: Option<String>,
    }

    /// Rows of both other tables.
    #[invect_table(name = "up_children")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct UpChild {
        #[invect(primary_key)]
        pub id: String,
        #[invect(references = up_parents::id, on_delete = cascade, index)]
        pub parent_id: String,
        #[invect(references = up_old_items::id, on_delete = set_null, index)]
        pub item_id: Option<String>,
        /// Renamed to `label` by version 2.
        pub title: String,
        /// Made nullable by version 2.
        pub note: String,
    }
}

/// Version 2.
pub mod v2 {
    use invect_runtime::prelude::*;

    /// `name` is text now, `score` a bigint.
    #[invect_table(name = "up_parents")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct UpParent {
        #[invect(primary_key)]
        pub id: String,
        #[invect(text)]
        pub name: String,
        pub score: i64,
    }

    /// Formerly `up_old_items`, without `legacy`.
    #[invect_table(name = "up_items", renamed_from = "up_old_items")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct UpItem {
        #[invect(primary_key)]
        pub id: String,
        #[invect(references = up_parents::id, on_delete = cascade, index)]
        pub parent_id: String,
        pub qty: i32,
    }

    /// `title` is `label` now, indexed; `note` may be NULL.
    #[invect_table(name = "up_children")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct UpChild {
        #[invect(primary_key)]
        pub id: String,
        #[invect(references = up_parents::id, on_delete = cascade, index)]
        pub parent_id: String,
        #[invect(references = up_items::id, on_delete = set_null, index)]
        pub item_id: Option<String>,
        #[invect(renamed_from = "title", index)]
        pub label: String,
        pub note: Option<String>,
    }
}

/// Version 1 with two narrowing changes.
pub mod narrow {
    use invect_runtime::prelude::*;

    pub use super::v1::{UpParent, up_parents};

    /// `legacy` NOT NULL, without a default.
    #[invect_table(name = "up_old_items")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct UpOldItem {
        #[invect(primary_key)]
        pub id: String,
        #[invect(references = up_parents::id, on_delete = cascade, index)]
        pub parent_id: String,
        pub qty: i32,
        pub legacy: String,
    }

    /// `note` a number.
    #[invect_table(name = "up_children")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct UpChild {
        #[invect(primary_key)]
        pub id: String,
        #[invect(references = up_parents::id, on_delete = cascade, index)]
        pub parent_id: String,
        #[invect(references = up_old_items::id, on_delete = set_null, index)]
        pub item_id: Option<String>,
        pub title: String,
        pub note: i32,
    }
}

/// The plugin at version 1.
pub fn plugin_v1() -> Plugin {
    Plugin::new(NAME)
        .table::<v1::UpParent>()
        .table::<v1::UpOldItem>()
        .table::<v1::UpChild>()
}

/// The plugin at version 2.
pub fn plugin_v2() -> Plugin {
    Plugin::new(NAME)
        .table::<v2::UpParent>()
        .table::<v2::UpItem>()
        .table::<v2::UpChild>()
}

/// The plugin with version 1's narrowing changes.
pub fn plugin_narrow() -> Plugin {
    Plugin::new(NAME)
        .table::<narrow::UpParent>()
        .table::<narrow::UpOldItem>()
        .table::<narrow::UpChild>()
}

/// The plugin [`UPGRADE_VAR`] names: `1`, `2` or `narrow`.
pub fn plugin_from_env() -> Result<Plugin, String> {
    match std::env::var(UPGRADE_VAR).as_deref() {
        Ok("1") => Ok(plugin_v1()),
        Ok("2") => Ok(plugin_v2()),
        Ok("narrow") => Ok(plugin_narrow()),
        other => Err(format!(
            "{UPGRADE_VAR} must be 1, 2 or narrow, not {other:?}"
        )),
    }
}
