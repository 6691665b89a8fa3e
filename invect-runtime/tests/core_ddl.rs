//! The core schema's DDL, exactly, per dialect. The expected scripts live in
//! `tests/fixtures/core.<dialect>.sql` at the workspace root, shared with the
//! `tests/core_catalog` check that runs it on the real servers.
//! Regenerate with `INVECT_BLESS=1 cargo test -p invect-runtime --test core_ddl`
//! and read the diff before committing.

use std::path::PathBuf;

use invect_runtime::schema::{DialectKind, render_script};

fn fixture(kind: DialectKind) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../tests/fixtures/core.{kind}.sql"))
}

#[test]
fn core_schema_ddl_matches_fixtures_exactly() {
    let schema = invect_runtime::core::schema().expect("core schema builds");
    for kind in DialectKind::ALL {
        let sql = render_script(kind.dialect(), &schema);
        let path = fixture(kind);
        if std::env::var_os("INVECT_BLESS").is_some() {
            std::fs::write(&path, &sql).expect("write fixture");
        }
        let expected = std::fs::read_to_string(&path).expect("fixture exists");
        assert_eq!(sql, expected, "{kind} DDL differs from {}", path.display());
    }
}
