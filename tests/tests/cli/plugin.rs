//! The `plugin-cli` example: an application's binary with the `tags` plugin.

use invect_runtime::schema::DialectKind;
use invect_tests::AnyTestDb;

use crate::per_dialect;
use crate::support::{plugin_cli, raw, url_args, workdir};

per_dialect!(plugin_tables_are_pushed_and_verified);

/// Push creates the plugin's table and column; `verify --strict` passes, and
/// fails once the plugin's table is dropped by hand.
async fn plugin_tables_are_pushed_and_verified(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let dir = workdir();
    let url = test.url().to_string();
    let run = |args: &[&str]| plugin_cli(dir.path(), &url_args(args, &url));
    run(&["migrate", "--push", "--yes"])
        .ok()
        .stdout_has("CREATE TABLE")
        .stdout_has("flow_tags")
        .stdout_has("owner_email");
    run(&["verify", "--strict"]).ok();
    run(&["info"])
        .ok()
        .stdout_has("plugin `tags`: flow_tags")
        .stdout_has("plugin `tags` adds column flows.owner_email");

    raw(&test.db(), "DROP TABLE flow_tags").await;
    run(&["verify", "--strict"])
        .failed()
        .stderr_has("flow_tags")
        .stderr_has("migrate --push");
    run(&["verify"]).ok().stderr_has("flow_tags");
    run(&["migrate", "--push", "--yes"])
        .ok()
        .stdout_has("flow_tags");
    run(&["verify", "--strict"]).ok();
    test.drop().await;
}

#[test]
fn plugin_generate_includes_the_plugin() {
    let dir = workdir();
    plugin_cli(dir.path(), &["generate"])
        .ok()
        .stdout_has("1 plugin `tags`");
    for file in [
        "schema.json",
        "schema.sqlite.sql",
        "schema.postgres.sql",
        "schema.mysql.sql",
    ] {
        let text = std::fs::read_to_string(dir.path().join("invect").join(file)).expect(file);
        assert!(
            text.contains("flow_tags") && text.contains("owner_email"),
            "{file}"
        );
    }
}
