//! Where the database comes from (flag > DATABASE_URL > invect.toml >
//! default), config file errors, usage mistakes, and `secret`.

use std::path::Path;

use crate::support::{Bin, cli, entries, run_env, workdir};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
}

fn config(url: &str) -> String {
    format!("[database]\ntype = \"sqlite\"\nconnectionString = \"{url}\"\nid = \"app\"\n")
}

#[test]
fn an_empty_folder_gets_a_working_dev_db() {
    let dir = workdir();
    cli(dir.path(), &["migrate", "--push", "--yes"])
        .ok()
        .stdout_has("pushed:");
    assert!(dir.path().join("dev.db").is_file(), "no dev.db");
    cli(dir.path(), &["verify", "--strict"]).ok();
    cli(dir.path(), &["info"])
        .ok()
        .stdout_has("file:./dev.db (from default)");
}

#[test]
fn flag_beats_env_beats_config_file() {
    let dir = workdir();
    let d = dir.path();
    write(d, "invect.toml", &config("file:./from-config.db"));
    cli(d, &["migrate", "--push", "--yes"])
        .ok()
        .stdout_has("database `app`");
    assert!(d.join("from-config.db").is_file());

    let env = [("DATABASE_URL", "file:./from-env.db")];
    run_env(Bin::Cli, d, &["migrate", "--push", "--yes"], &env).ok();
    assert!(d.join("from-env.db").is_file());
    run_env(Bin::Cli, d, &["info"], &env)
        .ok()
        .stdout_has("(from DATABASE_URL)")
        .stdout_has("config file:     invect.toml");

    let args = [
        "migrate",
        "--push",
        "--yes",
        "--database-url",
        "file:./from-flag.db",
    ];
    run_env(Bin::Cli, d, &args, &env).ok();
    assert!(d.join("from-flag.db").is_file());
    assert!(!d.join("dev.db").exists(), "the default was used");
}

#[test]
fn config_flag_and_table_prefix() {
    let dir = workdir();
    let d = dir.path();
    let text = format!("{}tablePrefix = \"iv_\"\n", config("file:./other.db"));
    write(d, "other.toml", &text);
    cli(d, &["migrate", "--push", "--yes", "--config", "other.toml"])
        .ok()
        .stdout_has("\"iv_flows\"");
    cli(d, &["verify", "--strict", "--config", "other.toml"]).ok();
    cli(d, &["generate", "--config", "other.toml"]).ok();
    let json = std::fs::read_to_string(d.join("invect/schema.json")).expect("schema.json");
    assert!(json.contains("\"iv_flows\""));
}

/// Relative paths in an invect.toml are taken from the file's folder, not
/// from the working directory; a relative --database-url stays relative to
/// the working directory.
#[test]
fn relative_paths_in_the_config_file_are_from_its_folder() {
    let dir = workdir();
    let d = dir.path();
    std::fs::create_dir(d.join("deploy")).expect("a folder");
    let text = format!(
        "migrationsDir = \"db/migrations\"\n{}",
        config("file:./data/app.db")
    );
    write(&d.join("deploy"), "invect.toml", &text);
    let with_config = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--config", "deploy/invect.toml"]);
        cli(d, &all)
    };
    with_config(&["migrate", "--yes"]).ok().stdout_has("wrote");
    assert!(d.join("deploy/data/app.db").is_file(), "{:?}", entries(d));
    assert!(!d.join("data").exists() && !d.join("db").exists());
    let written = std::fs::read_dir(d.join("deploy/db/migrations/sqlite"))
        .expect("deploy/db/migrations/sqlite")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
        .filter(|e| !e.path().to_string_lossy().ends_with(".down.sql"))
        .count();
    assert_eq!(written, 1);
    with_config(&["verify", "--strict"]).ok();
    with_config(&["info"])
        .ok()
        .stdout_has("deploy/data/app.db")
        .stdout_has("migrations dir:  deploy/db/migrations")
        .stdout_has("1 applied, 0 pending");
    // From inside the folder, the same file names the same database.
    let inside = d.join("deploy");
    cli(&inside, &["info"])
        .ok()
        .stdout_has("1 applied, 0 pending");
    cli(&inside, &["migrate", "--yes"])
        .ok()
        .stdout_has("up to date");
    // A --database-url is the working directory's.
    let args = [
        "migrate",
        "--push",
        "--yes",
        "--database-url",
        "file:./here.db",
    ];
    cli(
        d,
        &[&args[..], &["--config", "deploy/invect.toml"]].concat(),
    )
    .ok();
    assert!(d.join("here.db").is_file());
}

#[test]
fn config_file_mistakes_are_reported() {
    let dir = workdir();
    let d = dir.path();
    write(
        d,
        "invect.toml",
        "[database]\ntype = \"sqlite\"\nconectionString = \"x\"\n",
    );
    cli(d, &["verify"])
        .failed()
        .stderr_has("invect.toml")
        .stderr_has("line");
    cli(d, &["info", "--config", "missing.toml"])
        .failed()
        .stderr_has("missing.toml")
        .stderr_has("does not exist");
    write(
        d,
        "mismatch.toml",
        "[database]\ntype = \"postgresql\"\nconnectionString = \"file:./x.db\"\nid = \"main\"\n",
    );
    cli(d, &["verify", "--config", "mismatch.toml"])
        .failed()
        .stderr_has("does not match");
}

#[test]
fn usage_mistakes_exit_2() {
    let dir = workdir();
    cli(dir.path(), &["frobnicate"]).exited(2);
    cli(dir.path(), &[]).exited(2);
    cli(dir.path(), &["verify", "--strikt"])
        .exited(2)
        .stderr_has("--strict");
    cli(dir.path(), &["--help"]).ok().stdout_has("migrate");
    cli(dir.path(), &["verify", "--database-url", ""])
        .failed()
        .stderr_has("empty");
}

#[test]
fn secret_prints_a_new_32_byte_key() {
    let dir = workdir();
    let a = cli(dir.path(), &["secret"]).ok().stdout.trim().to_string();
    let b = cli(dir.path(), &["secret"]).ok().stdout.trim().to_string();
    assert_ne!(a, b);
    for key in [&a, &b] {
        // 32 bytes in padded base64: 43 characters and one `=`.
        assert_eq!(key.len(), 44, "{key}");
        assert!(key.ends_with('=') && !key.ends_with("=="), "{key}");
        assert!(
            key[..43]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/'),
            "{key}"
        );
    }
}

#[test]
fn a_terminal_is_asked_before_a_change_and_gets_colour() {
    use crate::support::cli_on_terminal;
    let dir = workdir();
    let d = dir.path();
    let push = ["migrate", "--push", "--database-url", "file:./tty.db"];
    let no = cli_on_terminal(d, &push, "n\n");
    no.failed().stdout_has("[y/N]").stdout_has("cancelled");
    cli(
        d,
        &["verify", "--strict", "--database-url", "file:./tty.db"],
    )
    .failed();

    let yes = cli_on_terminal(d, &push, "y\n");
    yes.ok().stdout_has("pushed:").stdout_has("\x1b[32m");
    let plain = cli(
        d,
        &["verify", "--strict", "--database-url", "file:./tty.db"],
    );
    plain.ok().never_shows("\x1b[");
}

/// The read-only commands never create a SQLite database: a missing file is
/// an error that says how to create it, and no file appears.
#[test]
fn verify_and_info_never_create_a_sqlite_file() {
    let dir = workdir();
    let d = dir.path();
    for args in [&["verify"][..], &["verify", "--strict"], &["info"]] {
        cli(d, args)
            .failed()
            .stderr_has("no SQLite database")
            .stderr_has("migrate --push");
        assert!(
            !d.join("dev.db").exists(),
            "`{}` created dev.db",
            args.join(" ")
        );
    }
}
