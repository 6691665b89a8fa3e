//! `invect-cli credentials rotate`: both keys from the environment, all
//! credentials re-encrypted, the keys never printed; exit 1 while any
//! credential is left under another key or unreadable, each named; and a
//! rotation process that reverts none of the application's updates.

use std::time::Instant;

use invect_runtime::core::{Credential, credentials};
use invect_runtime::credentials::{
    CredentialFilter, CredentialInput, CredentialList, Credentials, EncryptionKey, Keyring,
};
use invect_runtime::prelude::Uuid;
use invect_runtime::schema::DialectKind;
use invect_runtime::{ColumnExt, Db, TableExt};
use invect_tests::credential_writers::Writers;
use invect_tests::{AnyTestDb, core_ddl};
use serde_json::{Value, json};

use crate::per_dialect;
use crate::support::{Bin, Output, run_env, workdir};

per_dialect!(
    rotate_reads_both_keys_from_the_environment,
    a_bad_key_variable_troubles_only_credentials,
    a_key_that_was_not_given_fails_the_run,
    an_unreadable_row_is_named_and_the_rest_rotate,
);

mod race {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_rotation_process_reverts_no_concurrent_update(super::DialectKind::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_rotation_process_reverts_no_concurrent_update(super::DialectKind::Postgres).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mysql() {
        super::a_rotation_process_reverts_no_concurrent_update(super::DialectKind::Mysql).await
    }
}

fn key(byte: u8) -> EncryptionKey {
    EncryptionKey::from_bytes([byte; 32])
}

fn config(i: usize) -> Value {
    json!({ "apiKey": format!("sk-{i}") })
}

/// A fresh database of `kind` with the core tables, and a handle on it.
async fn open(kind: DialectKind) -> (AnyTestDb, Db) {
    let test = AnyTestDb::new(kind).await;
    test.apply(&core_ddl(kind)).await;
    let db = Db::connect(test.url()).await.expect("connect");
    (test, db)
}

/// `n` credentials under `key`, configs `config(first..)`; their ids.
async fn seed(db: &Db, key: &EncryptionKey, first: usize, n: usize) -> Vec<Uuid> {
    let store = Credentials::new(db.clone(), Keyring::new(key.clone()));
    let mut ids = Vec::new();
    for i in first..first + n {
        let input = CredentialInput::new(format!("c{i:04}"), "llm", "apiKey", config(i));
        ids.push(store.create(input).await.expect("create").id);
    }
    ids
}

/// `invect-cli credentials rotate --database-url url args…` with the keys
/// `INVECT_ENCRYPTION_KEY=new` and `INVECT_PREVIOUS_ENCRYPTION_KEYS=old,…`.
fn rotate(url: &str, args: &[&str], new: &EncryptionKey, old: &[&EncryptionKey]) -> Output {
    let dir = workdir();
    let mut all = vec!["credentials", "rotate", "--database-url", url];
    all.extend(args);
    let old: Vec<String> = old.iter().map(|k| k.to_base64()).collect();
    let (new, old) = (new.to_base64(), old.join(","));
    let env = [
        ("INVECT_ENCRYPTION_KEY", new.as_str()),
        ("INVECT_PREVIOUS_ENCRYPTION_KEYS", old.as_str()),
    ];
    run_env(Bin::Cli, dir.path(), &all, &env)
}

/// Panics if `out` shows any of `keys` (as base64).
#[track_caller]
fn shows_no_key(out: &Output, keys: &[&EncryptionKey]) {
    for k in keys {
        out.never_shows(&k.to_base64());
    }
}

async fn rotate_reads_both_keys_from_the_environment(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    test.apply(&core_ddl(kind)).await;
    let db = Db::connect(test.url()).await.expect("connect");
    let (old, new) = (
        EncryptionKey::from_bytes([3; 32]),
        EncryptionKey::from_bytes([4; 32]),
    );
    let old_store = Credentials::new(db.clone(), Keyring::new(old.clone()));
    for i in 0..20 {
        old_store
            .create(CredentialInput::new(
                format!("c{i:02}"),
                "llm",
                "apiKey",
                json!({ "apiKey": format!("sk-{i}") }),
            ))
            .await
            .expect("create");
    }
    let dir = workdir();
    let (old_b64, new_b64) = (old.to_base64(), new.to_base64());
    let url = test.url().to_string();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["credentials", "rotate", "--database-url", url.as_str()];
        all.extend(args);
        run_env(Bin::Cli, dir.path(), &all, env)
    };
    let both = [
        ("INVECT_ENCRYPTION_KEY", new_b64.as_str()),
        ("INVECT_PREVIOUS_ENCRYPTION_KEYS", old_b64.as_str()),
    ];

    run(&["--yes"], &[])
        .failed()
        .stderr_has("INVECT_ENCRYPTION_KEY is not set");
    run(&["--yes"], &both[..1])
        .failed()
        .stderr_has("INVECT_PREVIOUS_ENCRYPTION_KEYS");
    run(&["--yes"], &[("INVECT_ENCRYPTION_KEY", "c2hvcnQ=")])
        .failed()
        .stderr_has("32 bytes")
        .never_shows("c2hvcnQ=");
    run(&["--dry-run"], &both)
        .ok()
        .stdout_has("20 credential(s) would be re-encrypted");
    run(&[], &both).failed().stderr_has("--yes");
    assert_eq!(
        old_store
            .list(CredentialFilter::default())
            .await
            .and_then(CredentialList::complete)
            .expect("old key still reads all")
            .len(),
        20
    );

    run(&["--yes"], &both)
        .ok()
        .stdout_has(&format!(
            "rotated: 20 credential(s) from key {} to key {}",
            old.id(),
            new.id()
        ))
        .never_shows(&old_b64)
        .never_shows(&new_b64);
    let new_store = Credentials::new(db.clone(), Keyring::new(new.clone()));
    let all = new_store
        .list(CredentialFilter::default())
        .await
        .and_then(CredentialList::complete)
        .expect("new key reads all");
    assert_eq!(all.len(), 20);
    assert!(
        all.iter()
            .enumerate()
            .all(|(i, c)| c.config == json!({ "apiKey": format!("sk-{i}") }))
    );
    let with_old = old_store
        .list(CredentialFilter::default())
        .await
        .expect("list");
    assert!(
        with_old.records.is_empty() && with_old.unreadable.len() == 20,
        "{kind}: the old key still reads: {with_old:?}"
    );
    run(&["--yes"], &both).ok().stdout_has("up to date");
    db.close().await;
    test.drop().await;
}

/// Keys are read only when credentials are used: with a malformed
/// `INVECT_ENCRYPTION_KEY`, push and verify work; a credentials command
/// reports the key (without showing it).
async fn a_bad_key_variable_troubles_only_credentials(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let dir = workdir();
    let url = test.url().to_string();
    let bad = [("INVECT_ENCRYPTION_KEY", "c2hvcnQ=")];
    let push = ["migrate", "--push", "--yes", "--database-url", url.as_str()];
    run_env(Bin::Cli, dir.path(), &push, &bad).ok();
    let verify = ["verify", "--strict", "--database-url", url.as_str()];
    run_env(Bin::Cli, dir.path(), &verify, &bad).ok();

    let rotate = [
        "credentials",
        "rotate",
        "--yes",
        "--database-url",
        url.as_str(),
    ];
    run_env(Bin::Cli, dir.path(), &rotate, &bad)
        .failed()
        .stderr_has("32 bytes")
        .never_shows("c2hvcnQ=");
}

/// Item 7: 3 credentials under a key that is in neither variable (the
/// wrong old key given) and 2 under the right one. Each run lists the 3 by
/// key id and id and exits 1 (never "up to date"); with the right key
/// given as well, the 2 are rotated and the run still exits 1; with the
/// lost key too, it exits 0. The same key as old and new is refused.
async fn a_key_that_was_not_given_fails_the_run(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let url = test.url().to_string();
    let (lost, old, new, wrong) = (key(5), key(6), key(7), key(8));
    let lost_ids = seed(&db, &lost, 0, 3).await;
    seed(&db, &old, 3, 2).await;
    let store = Credentials::new(db.clone(), Keyring::new(new.clone()));
    let before = store.count_by_key().await.expect("count");
    let names_the_lost_rows = |out: &Output| {
        out.stderr_has(&format!(
            "3 credential(s) are encrypted with key {}, which is neither INVECT_ENCRYPTION_KEY nor in INVECT_PREVIOUS_ENCRYPTION_KEYS",
            lost.id()
        ));
        for id in &lost_ids {
            out.stderr_has(&id.to_string());
        }
        shows_no_key(out, &[&lost, &old, &new, &wrong]);
    };

    let out = rotate(&url, &["--yes"], &new, &[&wrong]);
    out.exited(1).stderr_has("not under the new key");
    names_the_lost_rows(&out);
    assert!(!out.stdout.contains("up to date"), "{kind}:\n{out}");
    let out = rotate(&url, &["--dry-run"], &new, &[&wrong, &old]);
    out.exited(1)
        .stdout_has("2 credential(s) would be re-encrypted");
    names_the_lost_rows(&out);
    assert_eq!(
        store.count_by_key().await.expect("count"),
        before,
        "{kind}: a refused run wrote"
    );

    let out = rotate(&url, &["--yes"], &new, &[&wrong, &old]);
    out.exited(1).stdout_has(&format!(
        "rotated: 2 credential(s) from key {} to key {}",
        old.id(),
        new.id()
    ));
    names_the_lost_rows(&out);
    let counts = store.count_by_key().await.expect("count");
    assert_eq!(
        (counts.count(new.id()), counts.count(lost.id())),
        (2, 3),
        "{kind}"
    );

    for same in [&[&new][..], &[&old, &new][..]] {
        let out = rotate(&url, &["--yes"], &new, same);
        out.exited(1)
            .stderr_has("holds the same key as INVECT_ENCRYPTION_KEY")
            .stderr_has(new.id());
        shows_no_key(&out, &[&new]);
    }
    assert_eq!(store.count_by_key().await.expect("count"), counts, "{kind}");

    rotate(&url, &["--yes"], &new, &[&lost])
        .ok()
        .stdout_has(&format!(
            "rotated: 3 credential(s) from key {} to key {}",
            lost.id(),
            new.id()
        ));
    assert_eq!(
        store.count_by_key().await.expect("count").count(new.id()),
        5
    );
    db.close().await;
    test.drop().await;
}

/// Item 9: one row whose config is plain JSON. The run names it by id
/// (without its content), rotates the other 4, leaves it, and exits 1.
async fn an_unreadable_row_is_named_and_the_rest_rotate(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let url = test.url().to_string();
    let (old, new) = (key(3), key(4));
    let ids = seed(&db, &old, 0, 5).await;
    let bad = ids[1];
    Credential::update_where(credentials::id.eq(bad))
        .set(credentials::config, json!({"apiKey": "sk-PLAIN-TEXT"}))
        .execute(&db)
        .await
        .expect("write a plain config");

    let out = rotate(&url, &["--yes"], &new, &[&old]);
    out.exited(1)
        .stdout_has("unreadable: 1")
        .stdout_has(&format!("rotated: 4 credential(s) from key {}", old.id()))
        .stderr_has(&format!("credential `{bad}` (`c0001`)"))
        .stderr_has("not an Invect encryption envelope")
        .stderr_has("1 unreadable")
        .never_shows("sk-PLAIN-TEXT");
    shows_no_key(&out, &[&old, &new]);
    let list = Credentials::new(db.clone(), Keyring::new(new.clone()))
        .list(CredentialFilter::default())
        .await
        .expect("list");
    assert_eq!(list.records.len(), 4, "{kind}");
    assert_eq!(
        list.unreadable.iter().map(|u| u.id).collect::<Vec<_>>(),
        [bad]
    );
    let again = rotate(&url, &["--yes"], &new, &[&old]);
    again
        .exited(1)
        .stdout_has("nothing to re-encrypt")
        .stderr_has(&bad.to_string());
    assert!(!again.stdout.contains("up to date"), "{kind}:\n{again}");
    db.close().await;
    test.drop().await;
}

/// Item 8 across processes: `invect-cli credentials rotate` on 1,000
/// credentials while 8 tasks of this process update them (6 in the rotation
/// window, 2 instances still on the old key). No update they were told had
/// succeeded is reverted, none fails. The run exits 0, or 1 naming only
/// rows written with the old key meanwhile; once the writers stop, a second
/// run leaves every row under the new key.
async fn a_rotation_process_reverts_no_concurrent_update(kind: DialectKind) {
    const ROWS: usize = 1_000;
    let (test, db) = open(kind).await;
    let url = test.url().to_string();
    let (old, new) = (key(1), key(2));
    let ids = seed(&db, &old, 0, ROWS).await;
    let writers = Writers::start(&db, &ids, 8, |w| match w {
        0 | 1 => Keyring::new(old.clone()),
        _ => Keyring::new(new.clone()).with_previous(old.clone()),
    })
    .await;
    let start = Instant::now();
    let (u, n, o) = (url.clone(), new.clone(), old.clone());
    let out = tokio::task::spawn_blocking(move || rotate(&u, &["--yes"], &n, &[&o]))
        .await
        .expect("the rotation process ran");
    let end = Instant::now();
    let written = writers.stop().await;

    let during = written.overlapping(start, end);
    eprintln!(
        "{kind}: {} updates, {during} while rotating:\n{out}",
        written.updates()
    );
    assert!(
        written.errors.is_empty(),
        "{kind}: {:?}",
        &written.errors[..written.errors.len().min(3)]
    );
    assert!(
        during > 0,
        "{kind}: no update was under way while the process rotated"
    );
    let both = Keyring::new(new.clone()).with_previous(old.clone());
    let reverted = written.reverted(&db, &ids, both, config).await;
    assert!(
        reverted.is_empty(),
        "{kind}: the rotation process reverted {} of {} updates, e.g. {:?}",
        reverted.len(),
        written.updates(),
        &reverted[..reverted.len().min(3)]
    );
    out.stdout_has(&format!("from key {} to key {}", old.id(), new.id()));
    if out.code != Some(0) {
        out.exited(1)
            .stderr_has(&format!("still encrypted with the old key {}", old.id()))
            .stderr_has("run `invect-cli credentials rotate` again");
        assert!(
            !out.stderr.contains("not given") && !out.stderr.contains("unreadable"),
            "{out}"
        );
    }
    rotate(&url, &["--yes"], &new, &[&old]).ok();
    let counts = Credentials::new(db.clone(), Keyring::new(new.clone()))
        .count_by_key()
        .await
        .expect("count");
    assert_eq!(counts.count(new.id()), ROWS, "{kind}: {counts:?}");
    db.close().await;
    test.drop().await;
}
