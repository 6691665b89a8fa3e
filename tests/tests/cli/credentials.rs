//! `invect-cli credentials rotate`: both keys from the environment, all
//! credentials re-encrypted, the keys never printed.

use invect_runtime::Db;
use invect_runtime::credentials::{
    CredentialFilter, CredentialInput, Credentials, EncryptionKey, Keyring,
};
use invect_runtime::schema::DialectKind;
use invect_tests::{AnyTestDb, core_ddl};
use serde_json::json;

use crate::per_dialect;
use crate::support::{Bin, run_env, workdir};

per_dialect!(
    rotate_reads_both_keys_from_the_environment,
    a_bad_key_variable_troubles_only_credentials
);

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
        .expect("new key reads all");
    assert_eq!(all.len(), 20);
    assert!(
        all.iter()
            .enumerate()
            .all(|(i, c)| c.config == json!({ "apiKey": format!("sk-{i}") }))
    );
    assert!(
        old_store.list(CredentialFilter::default()).await.is_err(),
        "{kind}: the old key still reads"
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
