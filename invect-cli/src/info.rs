//! `info`: the configuration, the dialect, the tables by origin, and the
//! applied and pending migrations.

use invect_schema::Schema;

use invect_runtime::redact_connection_string;
use invect_runtime::{Plugin, merged_schema};

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::args::Format;
use crate::failure::{Failure, Outcome};
use crate::output::Out;
use crate::settings::Settings;
use invect_runtime::migrate::{self as migrations, MigrationState};

/// Prints what is known without a connection, then connects (read-only)
/// for the migrations; with `--format json` all of it as one document.
pub async fn run(out: &Out, settings: &Settings, plugins: Vec<Plugin>, format: Format) -> Outcome {
    let config = settings.database_config()?;
    crate::open::require_existing_sqlite_file(&config)?;
    let schema =
        merged_schema(&plugins, &config.table_prefix).map_err(invect_runtime::Error::from)?;
    if format == Format::Text {
        print_config(out, settings);
        out.line(format!(
            "type:            {} ({}, dialect {})",
            config.r#type,
            config.r#type.label(),
            config.r#type.dialect()
        ));
        print_tables(out, &schema, &plugins);
    }
    let invect = crate::open::for_reading(settings, plugins).await?;
    let result = migration_states(settings, &invect).await;
    let plugin_ids: Vec<&str> = invect.plugins().iter().map(Plugin::id).collect();
    let result = result.map(|(dir, states)| match format {
        Format::Text => print_migrations(out, &dir, &states),
        Format::Json => out.json(&to_json(settings, &schema, &plugin_ids, &dir, &states)),
    });
    invect.db().close().await;
    result
}

/// The migrations folder of the dialect and every file's state.
async fn migration_states(
    settings: &Settings,
    invect: &invect_runtime::Invect,
) -> Result<(PathBuf, Vec<MigrationState>), Failure> {
    let root = settings.migrations_dir();
    let states = migrations::status(invect.db(), root).await?;
    Ok((migrations::dialect_dir(root, invect.db().kind()), states))
}

/// `info` as one JSON document.
fn to_json(
    s: &Settings,
    schema: &Schema,
    plugins: &[&str],
    dir: &Path,
    states: &[MigrationState],
) -> serde_json::Value {
    let tables: Vec<_> = schema
        .tables
        .iter()
        .map(|t| json!({ "name": &*t.def.name, "origin": t.origin.to_string() }))
        .collect();
    let added: Vec<_> = added_columns(schema)
        .map(
            |(origin, table, column)| json!({ "origin": origin, "table": table, "column": column }),
        )
        .collect();
    let migrations: Vec<_> = states
        .iter()
        .map(
            |m| json!({ "version": m.version, "description": m.description, "applied": m.applied }),
        )
        .collect();
    let kind = s.database_config().map(|c| c.r#type);
    crate::json::info(json!({
        "configFile": s.config_file.as_ref().map(|p| p.display().to_string()),
        "database": s.id,
        "connection": redact_connection_string(&s.url),
        "connectionFrom": s.url_source.to_string(),
        "type": kind.as_ref().map(|t| t.as_str()).ok(),
        "dialect": kind.as_ref().map(|t| t.dialect().as_str()).ok(),
        "tablePrefix": s.table_prefix,
        "migrationsDir": dir.display().to_string(),
        "schemaVerification": format!("{:?}", s.schema_verification).to_lowercase(),
        "plugins": plugins,
        "tables": tables,
        "addedColumns": added,
        "migrations": migrations,
    }))
}

/// Columns a plugin adds to a table of another origin: (origin, table, column).
fn added_columns(schema: &Schema) -> impl Iterator<Item = (String, &str, &str)> {
    schema.tables.iter().flat_map(|t| {
        t.def
            .columns
            .iter()
            .zip(&t.column_origins)
            .filter(|(_, origin)| **origin != t.origin)
            .map(|(c, origin)| (origin.to_string(), &*t.def.name, &*c.name))
    })
}

fn print_config(out: &Out, s: &Settings) {
    out.heading("configuration");
    out.line(format!(
        "config file:     {}",
        s.config_file
            .as_ref()
            .map_or("none (no invect.toml)".to_string(), |p| p
                .display()
                .to_string())
    ));
    out.line(format!("database id:     {}", s.id));
    out.line(format!(
        "connection:      {} (from {})",
        redact_connection_string(&s.url),
        s.url_source
    ));
    out.line(format!(
        "table prefix:    {}",
        if s.table_prefix.is_empty() {
            "none"
        } else {
            &s.table_prefix
        }
    ));
    out.line(format!("migrations dir:  {}", s.migrations_dir().display()));
    out.line(format!(
        "verification:    {} (at startup)",
        format!("{:?}", s.schema_verification).to_lowercase()
    ));
}

/// Tables grouped by origin, in creation order, then columns plugins add to
/// tables of another origin.
fn print_tables(out: &Out, schema: &Schema, plugins: &[Plugin]) {
    out.heading(format!(
        "tables ({}, {} plugin(s))",
        schema.tables.len(),
        plugins.len()
    ));
    let mut origins: Vec<String> = Vec::new();
    for t in &schema.tables {
        let origin = t.origin.to_string();
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    for origin in &origins {
        let names: Vec<&str> = schema
            .tables
            .iter()
            .filter(|t| t.origin.to_string() == *origin)
            .map(|t| &*t.def.name)
            .collect();
        out.line(format!("  {origin}: {}", names.join(", ")));
    }
    for (origin, table, column) in added_columns(schema) {
        out.line(format!("  {origin} adds column {table}.{column}"));
    }
}

fn print_migrations(out: &Out, dir: &Path, states: &[MigrationState]) {
    let applied = states.iter().filter(|m| m.applied).count();
    out.heading(format!(
        "migrations in {} ({applied} applied, {} pending)",
        dir.display(),
        states.len() - applied
    ));
    for m in states {
        let state = if m.applied { "applied" } else { "pending" };
        out.line(format!("  {state}  {} {}", m.version, m.description));
    }
    if states.len() > applied {
        out.line("run `invect-cli migrate` to apply the pending migrations");
    }
}
