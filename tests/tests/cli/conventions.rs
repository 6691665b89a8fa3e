//! What Rust users expect of a database CLI: `.env`, logging with RUST_LOG
//! and `-v`/`-q`, shell completions, `--version` under the binary's own
//! name, and options that do nothing for a command rejected.

use std::path::Path;
use std::process::{Command, Stdio};

use invect_runtime::credentials::EncryptionKey;

use crate::support::{Bin, cli, entries, plugin_bin, plugin_cli, run_env, workdir};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
}

#[test]
fn database_url_and_keys_come_from_dot_env() {
    let dir = workdir();
    let d = dir.path();
    let key = EncryptionKey::from_bytes([9; 32]).to_base64();
    let old = EncryptionKey::from_bytes([8; 32]).to_base64();
    write(
        d,
        ".env",
        &format!(
            "# the app's settings\nDATABASE_URL=file:./from-dotenv.db\nINVECT_ENCRYPTION_KEY={key}\nINVECT_PREVIOUS_ENCRYPTION_KEYS=\"{old}\"\n"
        ),
    );
    cli(d, &["migrate", "--push", "--yes"]).ok();
    assert!(d.join("from-dotenv.db").is_file(), "{:?}", entries(d));
    assert!(!d.join("dev.db").exists());
    cli(d, &["info"])
        .ok()
        .stdout_has("file:./from-dotenv.db (from DATABASE_URL in ")
        .stdout_has(".env)");
    // The keys came from .env too: rotation finds nothing to do, rather
    // than a missing INVECT_ENCRYPTION_KEY.
    cli(d, &["credentials", "rotate", "--dry-run"])
        .ok()
        .stdout_has("up to date")
        .never_shows(&key)
        .never_shows(&old);

    // The environment beats .env; --no-dotenv ignores the file.
    let env = [("DATABASE_URL", "file:./from-env.db")];
    run_env(Bin::Cli, d, &["migrate", "--push", "--yes"], &env).ok();
    run_env(Bin::Cli, d, &["info"], &env)
        .ok()
        .stdout_has("file:./from-env.db (from DATABASE_URL)");
    cli(d, &["verify", "--no-dotenv"])
        .failed()
        .stderr_has("no SQLite database")
        .stderr_has("dev.db");
    let rotate = ["credentials", "rotate", "--dry-run", "--no-dotenv"];
    run_env(Bin::Cli, d, &rotate, &env)
        .failed()
        .stderr_has("INVECT_ENCRYPTION_KEY is not set");
}

#[test]
fn a_malformed_dot_env_is_reported_without_its_values() {
    let dir = workdir();
    let d = dir.path();
    write(
        d,
        ".env",
        "DATABASE_URL=postgres://u:Hunter2Secret@h/db\nnot a line ' here\n",
    );
    cli(d, &["verify"])
        .failed()
        .stderr_has(".env")
        .stderr_has("line 2")
        .stderr_has("--no-dotenv")
        .never_shows("Hunter2Secret");
    cli(d, &["verify", "--no-dotenv"])
        .failed()
        .stderr_has("no SQLite database");
    // Commands that open no database do not read it.
    cli(d, &["secret"]).ok();
}

#[test]
fn logging_follows_rust_log_and_the_flags() {
    let dir = workdir();
    let d = dir.path();
    let push = ["migrate", "--push", "--yes"];
    let quiet = cli(d, &["-q", "migrate", "--push", "--yes"]);
    quiet
        .ok()
        .stdout_has("pushed:")
        .never_shows("CREATE TABLE")
        .never_shows("sqlx::query");
    assert!(quiet.stdout.lines().count() <= 2, "-q printed:\n{quiet}");
    // The default shows no log; -v what is done; -vv and RUST_LOG=debug every statement.
    cli(d, &["verify"])
        .ok()
        .never_shows("INFO")
        .never_shows("sqlx::query");
    cli(d, &["verify", "-v"])
        .ok()
        .stderr_has("INFO")
        .stderr_has("opening the database")
        .never_shows("sqlx::query");
    cli(d, &["verify", "-vv"]).ok().stderr_has("sqlx::query");
    let debug = [("RUST_LOG", "sqlx=debug")];
    run_env(Bin::Cli, d, &["verify"], &debug)
        .ok()
        .stderr_has("sqlx::query")
        .never_shows("opening the database");
    run_env(Bin::Cli, d, &["verify"], &[("RUST_LOG", "sqlx=lots")])
        .ok()
        .stderr_has("RUST_LOG is not a valid log filter");
    cli(d, &push).ok().stdout_has("up to date");
    cli(d, &["verify", "-v", "-q"])
        .exited(2)
        .stderr_has("cannot be used with");
}

#[test]
fn completions_for_each_shell_name_the_binary() {
    let dir = workdir();
    let d = dir.path();
    let bash = cli(d, &["completions", "bash"]);
    bash.ok()
        .stdout_has("complete -F _invect__cli")
        .stdout_has("migrate");
    cli(d, &["completions", "zsh"])
        .ok()
        .stdout_has("#compdef invect-cli");
    cli(d, &["completions", "fish"])
        .ok()
        .stdout_has("complete -c invect-cli");
    cli(d, &["completions", "tcsh"])
        .exited(2)
        .stderr_has("bash");
    plugin_cli(d, &["completions", "bash"])
        .ok()
        .stdout_has("complete -F _plugin__cli")
        .never_shows("_invect__cli");

    // bash accepts the script and registers it for the binary.
    let mut sh = Command::new("bash")
        .args([
            "--norc",
            "-c",
            "source /dev/stdin && complete -p invect-cli",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash");
    use std::io::Write;
    sh.stdin
        .take()
        .expect("bash's stdin")
        .write_all(bash.stdout.as_bytes())
        .expect("the script");
    let out = sh.wait_with_output().expect("bash finishes");
    let registered = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && registered.contains("invect-cli"),
        "bash rejected the script: {registered}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn version_names_the_binary() {
    let dir = workdir();
    let version = env!("CARGO_PKG_VERSION");
    cli(dir.path(), &["--version"])
        .ok()
        .stdout_has(&format!("invect-cli {version}"));
    let plugin = plugin_cli(dir.path(), &["--version"]);
    plugin
        .ok()
        .stdout_has(&format!("plugin-cli (invect-cli {version})"));
    assert!(!plugin.stdout.starts_with("invect-cli"), "{plugin}");
    plugin_cli(dir.path(), &["--help"])
        .ok()
        .stdout_has("Usage: plugin-cli");
    assert!(plugin_bin().is_file());
}

#[test]
fn options_that_do_nothing_are_rejected() {
    let dir = workdir();
    let d = dir.path();
    for args in [
        &["secret", "--database-url", "x"][..],
        &["info", "--dry-run"],
        &["info", "--yes"],
        &["verify", "--dry-run"],
        &["generate", "--database-url", "file:./x.db"],
        &["generate", "--yes"],
        &["secret", "--no-dotenv"],
    ] {
        cli(d, args)
            .exited(2)
            .stderr_has("unexpected argument")
            .never_shows("panicked");
    }
    // --format json is the plan's: only with --push --dry-run.
    cli(d, &["migrate", "--format", "json"])
        .exited(2)
        .stderr_has("--push")
        .stderr_has("--dry-run");
    let help = cli(d, &["secret", "--help"]);
    help.ok()
        .never_shows("--database-url")
        .never_shows("--dry-run");
    cli(d, &["info", "--help"])
        .ok()
        .stdout_has("--database-url")
        .never_shows("--dry-run");
    cli(d, &["push"])
        .exited(2)
        .stderr_has("invect-cli migrate --push");
    cli(d, &["--yes", "migrate", "--push"])
        .exited(2)
        .stderr_has("options go after the command's name");
    assert!(entries(d).is_empty(), "{:?}", entries(d));
}
