//! `generate`: the merged schema as `schema.json` and one DDL script per
//! dialect, each runnable as it is on an empty database (`sqlite3`, `psql`,
//! `mysql`) and recording its tables the way push does.

use std::path::Path;

use invect_schema::meta::create_database;
use invect_schema::{DialectKind, Schema, script_text};

use invect_runtime::{Plugin, merged_schema};

use crate::args::GenerateArgs;
use crate::failure::{Failure, Outcome};
use crate::output::Out;
use crate::settings::Settings;

/// Writes (or with `dry_run` lists) the files.
pub fn run(out: &Out, settings: &Settings, plugins: &[Plugin], args: &GenerateArgs) -> Outcome {
    let prefix = &settings.table_prefix;
    let schema = merged_schema(plugins, prefix).map_err(invect_runtime::Error::from)?;
    let files = files(&schema, prefix)?;
    if args.dry_run {
        for (name, _) in &files {
            out.line(format!("would write {}", args.out.join(name).display()));
        }
        out.line("dry run: nothing was written");
        return Ok(());
    }
    std::fs::create_dir_all(&args.out).map_err(|e| cannot_write(&args.out, &e))?;
    for (name, text) in &files {
        let path = args.out.join(name);
        std::fs::write(&path, text).map_err(|e| cannot_write(&path, &e))?;
        out.done("wrote", path.display().to_string());
    }
    out.line(format!(
        "{} tables ({}); apply a script to an empty database, or run `invect-cli migrate --push`",
        schema.tables.len(),
        describe_origins(&schema)
    ));
    Ok(())
}

/// `(file name, contents)` of every file `generate` writes, deterministic.
pub fn files(schema: &Schema, prefix: &str) -> Result<Vec<(String, String)>, Failure> {
    let json = serde_json::to_string_pretty(schema)
        .map_err(|e| Failure::new(format!("cannot write the schema as JSON: {e}")))?;
    let mut files = vec![("schema.json".to_string(), json + "\n")];
    for kind in DialectKind::ALL {
        files.push((
            format!("schema.{}.sql", kind.as_str()),
            script(kind, schema, prefix),
        ));
    }
    Ok(files)
}

/// The DDL for an empty database, recording its tables as push does.
pub fn script(kind: DialectKind, schema: &Schema, prefix: &str) -> String {
    format!(
        "-- Invect schema ({kind}), written by `invect-cli generate`: run it on an empty database.\n{}",
        script_text(&create_database(kind.dialect(), schema, prefix))
    )
}

/// `10 core, 1 from plugin `tags``.
fn describe_origins(schema: &Schema) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for t in &schema.tables {
        let origin = t.origin.to_string();
        match counts.iter_mut().find(|(o, _)| *o == origin) {
            Some((_, n)) => *n += 1,
            None => counts.push((origin, 1)),
        }
    }
    counts
        .iter()
        .map(|(o, n)| format!("{n} {o}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn cannot_write(path: &Path, e: &std::io::Error) -> Failure {
    Failure::new(format!("cannot write {}: {e}", path.display()))
        .hint("choose another folder with --out, or check its permissions")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_create_the_record_table_first_and_record_every_table() {
        let schema = match merged_schema(&[], "") {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        for kind in DialectKind::ALL {
            let text = script(kind, &schema, "");
            let first = text.lines().nth(1).unwrap_or_default();
            assert!(first.contains("invect_schema_tables"), "{kind:?}: {first}");
            let inserts = text.matches("INSERT INTO").count();
            assert_eq!(inserts, schema.tables.len(), "{kind:?}");
            assert!(text.ends_with(";\n"));
        }
        let a = files(&schema, "");
        let b = files(&schema, "");
        assert_eq!(a.map(|f| f.len()).ok(), Some(4));
        assert_eq!(
            format!("{:?}", files(&schema, "").ok()),
            format!("{:?}", b.ok())
        );
    }
}
