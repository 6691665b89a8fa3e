//! Plugins: tables of their own and columns added to other tables.

use invect_schema::{Extension, Origin, SchemaBuilder, TableDef};

use crate::table::{Table, TableExtension};

/// A named set of tables and extensions, merged with the core tables.
///
/// ```
/// use invect_runtime::Plugin;
/// use invect_runtime::core::ChatMessage;
/// let p = Plugin::new("chat-extra").table::<ChatMessage>();
/// assert_eq!(p.id(), "chat-extra");
/// ```
#[derive(Debug, Clone)]
pub struct Plugin {
    id: String,
    tables: Vec<&'static TableDef>,
    extensions: Vec<&'static Extension>,
}

impl Plugin {
    /// A plugin with no tables yet; `id` names it in errors and `info`.
    pub fn new(id: impl Into<String>) -> Plugin {
        Plugin {
            id: id.into(),
            tables: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// Adds a table declared with `#[invect_table]`.
    pub fn table<T: Table>(mut self) -> Plugin {
        self.tables.push(T::DEF);
        self
    }

    /// Adds columns declared with `#[invect_table(extends = ...)]`.
    pub fn extend<E: TableExtension>(mut self) -> Plugin {
        self.extensions.push(E::EXTENSION);
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Adds this plugin's definitions to a schema being built.
    pub(crate) fn add_to(&self, mut builder: SchemaBuilder) -> SchemaBuilder {
        let origin = Origin::Plugin(self.id.clone().into());
        builder = builder.tables(origin.clone(), self.tables.iter().map(|t| (*t).clone()));
        for ext in &self.extensions {
            builder = builder.extension(origin.clone(), (*ext).clone());
        }
        builder
    }
}

/// The core tables plus every plugin's, merged, in creation order, with
/// `prefix` applied to every table and enum type.
pub fn merged_schema(
    plugins: &[Plugin],
    prefix: &str,
) -> Result<invect_schema::Schema, invect_schema::SchemaErrors> {
    let mut builder =
        SchemaBuilder::new().tables(Origin::Core, crate::core::tables().into_iter().cloned());
    for p in plugins {
        builder = p.add_to(builder);
    }
    builder.build()?.with_prefix(prefix)
}
