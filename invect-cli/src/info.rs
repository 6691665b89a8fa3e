//! `info`: the configuration, the dialect, the tables by origin, and the
//! applied and pending migrations.

use invect_schema::Schema;

use invect_runtime::redact_connection_string;
use invect_runtime::{Plugin, merged_schema};

use crate::failure::{Failure, Outcome};
use crate::output::Out;
use crate::settings::Settings;
use invect_runtime::migrate as migrations;

/// Prints what is known without a connection, then connects for the migrations.
pub async fn run(out: &Out, settings: &Settings, plugins: Vec<Plugin>) -> Outcome {
    print_config(out, settings);
    let config = settings.database_config()?;
    out.line(format!(
        "type:            {} ({}, dialect {})",
        config.r#type,
        config.r#type.label(),
        config.r#type.dialect()
    ));
    let schema =
        merged_schema(&plugins, &config.table_prefix).map_err(invect_runtime::Error::from)?;
    print_tables(out, &schema, &plugins);
    let invect = crate::connect(settings, plugins).await?;
    let result = print_migrations(out, settings, &invect).await;
    invect.db().close().await;
    result
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
    for t in &schema.tables {
        for (column, origin) in t.def.columns.iter().zip(&t.column_origins) {
            if *origin != t.origin {
                out.line(format!(
                    "  {origin} adds column {}.{}",
                    t.def.name, column.name
                ));
            }
        }
    }
}

async fn print_migrations(
    out: &Out,
    settings: &Settings,
    invect: &invect_runtime::Invect,
) -> Outcome {
    let kind = invect.db().kind();
    let root = settings.migrations_dir().to_path_buf();
    let states = migrations::status(invect.db(), &root)
        .await
        .map_err(Failure::from)?;
    let applied = states.iter().filter(|m| m.applied).count();
    out.heading(format!(
        "migrations in {} ({applied} applied, {} pending)",
        migrations::dialect_dir(&root, kind).display(),
        states.len() - applied
    ));
    for m in &states {
        let state = if m.applied { "applied" } else { "pending" };
        out.line(format!("  {state}  {} {}", m.version, m.description));
    }
    if states.len() > applied {
        out.line("run `invect-cli migrate` to apply the pending migrations");
    }
    Ok(())
}
