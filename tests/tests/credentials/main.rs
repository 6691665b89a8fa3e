//! Credentials on the real SQLite, PostgreSQL and MariaDB: what is stored is
//! never the secret, every failure has its own clear error, rotation is all
//! or nothing, keeps every update the application makes meanwhile
//! ([`race`]), and reports the rows it cannot handle by id ([`problems`]).

use invect_runtime::core::Credential;
use invect_runtime::credentials::{
    CredentialFilter, CredentialInput, CredentialList, CredentialProblem, CredentialUpdate,
    Credentials, EncryptionKey, Keyring, Rotation,
};
use invect_runtime::schema::DialectKind;
use invect_runtime::{DatabaseConfig, DatabaseType, Error, Invect, TableExt};
use serde_json::{Value, json};

mod problems;
mod race;
mod support;

use support::{
    SECRETS, close, key, open, problem_of, raw_configs, secret_config, seed, set_raw_config,
};

invect_tests::per_dialect!(
    round_trip_and_nothing_in_plain_text,
    each_failure_has_its_own_error,
    rotation_is_all_or_nothing,
    builder_reads_keys,
);

async fn round_trip_and_nothing_in_plain_text(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let store = Credentials::new(db.clone(), Keyring::new(key(1)));
    let mut input = CredentialInput::new("OpenAI", "llm", "apiKey", secret_config(0));
    input.workspace_id = Some("ws-1".into());
    input.description = Some("main key".into());
    let created = store.create(input).await.expect("create");
    assert_eq!(created.config, secret_config(0));
    let other = store
        .create(CredentialInput::new(
            "Postgres",
            "database",
            "password",
            json!({"password": SECRETS[2]}),
        ))
        .await
        .expect("create");

    let read = store.get(created.id).await.expect("get").expect("a row");
    assert_eq!(read, created, "{kind}: read back differs");
    assert!(
        !format!("{read:?}").contains(SECRETS[0]),
        "{kind}: Debug shows the secret"
    );

    for raw in raw_configs(&db).await {
        for secret in SECRETS {
            assert!(
                !raw.contains(secret),
                "{kind}: `{secret}` stored in plain text: {raw}"
            );
        }
        assert!(raw.contains("A256GCM"), "{kind}: not an envelope: {raw}");
    }

    let llm = store
        .list(CredentialFilter {
            r#type: Some("llm".into()),
            ..CredentialFilter::default()
        })
        .await
        .and_then(CredentialList::complete)
        .expect("list");
    assert_eq!(
        llm.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![created.id]
    );
    let ws = store
        .list(CredentialFilter {
            workspace_id: Some("ws-1".into()),
            ..CredentialFilter::default()
        })
        .await
        .and_then(CredentialList::complete)
        .expect("list");
    assert_eq!(ws.len(), 1);
    assert_eq!(
        store
            .list(CredentialFilter::default())
            .await
            .and_then(CredentialList::complete)
            .expect("list")
            .len(),
        2
    );

    let before = raw_configs(&db).await;
    let new_config = json!({"apiKey": "sk-rotated-NEW"});
    let changes = CredentialUpdate {
        config: Some(new_config.clone()),
        is_active: Some(false),
        ..CredentialUpdate::default()
    };
    let updated = store.update(created.id, changes).await.expect("update");
    assert_eq!(updated.config, new_config);
    assert!(!updated.is_active);
    assert!(updated.updated_at >= created.updated_at);
    let after = raw_configs(&db).await;
    assert!(
        after.iter().all(|r| !r.contains("sk-rotated-NEW")),
        "{kind}: updated config in plain text"
    );
    assert_ne!(before, after, "{kind}: update did not re-encrypt");
    let active = store
        .list(CredentialFilter {
            is_active: Some(true),
            ..CredentialFilter::default()
        })
        .await
        .and_then(CredentialList::complete)
        .expect("list");
    assert_eq!(
        active.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![other.id]
    );

    assert_eq!(read.last_used_at, None);
    assert!(store.mark_used(created.id).await.expect("mark used"));
    let used = store.get(created.id).await.expect("get").expect("row");
    assert!(used.last_used_at.is_some(), "{kind}: last_used_at not set");

    assert!(store.delete(created.id).await.expect("delete"));
    assert!(!store.delete(created.id).await.expect("delete again"));
    assert_eq!(store.get(created.id).await.expect("get"), None);
    let (problem, message) =
        problem_of(store.update(created.id, CredentialUpdate::default()).await);
    assert_eq!(problem, CredentialProblem::NotFound, "{message}");
    db.close().await;
    test.drop().await;
}

async fn each_failure_has_its_own_error(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let store = Credentials::new(db.clone(), Keyring::new(key(1)));
    let a = store
        .create(CredentialInput::new("A", "llm", "apiKey", secret_config(1)))
        .await
        .expect("create");
    let b = store
        .create(CredentialInput::new("B", "llm", "apiKey", secret_config(2)))
        .await
        .expect("create");
    let id = a.id.to_string();

    let (problem, message) = problem_of(
        Credentials::new(db.clone(), Keyring::new(key(2)))
            .get(a.id)
            .await,
    );
    assert_eq!(problem, CredentialProblem::WrongKey, "{kind}: {message}");
    assert!(
        message.contains(&id) && message.contains("INVECT_ENCRYPTION_KEY"),
        "{kind}: {message}"
    );

    let (problem, message) = problem_of(
        Credentials::new(db.clone(), Keyring::default())
            .get(a.id)
            .await,
    );
    assert_eq!(problem, CredentialProblem::NoKey, "{kind}: {message}");
    let (problem, _) = problem_of(
        Credentials::new(db.clone(), Keyring::default())
            .create(CredentialInput::new("C", "llm", "apiKey", json!({})))
            .await,
    );
    assert_eq!(problem, CredentialProblem::NoKey);

    // Ciphertext moved from row A to row B: A's id is bound into it.
    let row_a = Credential::find(&db, a.id)
        .await
        .expect("find")
        .expect("row");
    set_raw_config(&db, b.id, row_a.config.clone()).await;
    let (problem, message) = problem_of(store.get(b.id).await);
    assert_eq!(problem, CredentialProblem::Tampered, "{kind}: {message}");
    assert!(message.contains(&b.id.to_string()), "{kind}: {message}");

    // One bit of the ciphertext flipped, then the ciphertext truncated.
    let mut flipped = row_a.config.clone();
    flipped["ct"] = Value::String(flip_first_char(flipped["ct"].as_str().expect("ct")));
    set_raw_config(&db, a.id, flipped).await;
    let (problem, message) = problem_of(store.get(a.id).await);
    assert_eq!(problem, CredentialProblem::Tampered, "{kind}: {message}");
    let mut truncated = row_a.config.clone();
    let ct = truncated["ct"].as_str().expect("ct").to_string();
    truncated["ct"] = Value::String(ct[..ct.len() / 2].to_string());
    set_raw_config(&db, a.id, truncated).await;
    let (problem, message) = problem_of(store.get(a.id).await);
    assert!(
        matches!(problem, CredentialProblem::Tampered),
        "{kind}: {message}"
    );

    // A plain-text config written behind the API's back.
    set_raw_config(&db, a.id, json!({"apiKey": "plain"})).await;
    let (problem, message) = problem_of(store.get(a.id).await);
    assert_eq!(problem, CredentialProblem::Malformed, "{kind}: {message}");

    for bad in ["", "not base64!", "c2hvcnQ="] {
        let (problem, message) = problem_of(EncryptionKey::from_base64(bad));
        assert_eq!(problem, CredentialProblem::InvalidKey, "{message}");
        assert!(message.contains("32 bytes"), "{message}");
    }
    db.close().await;
    test.drop().await;
}

fn flip_first_char(b64: &str) -> String {
    let mut chars: Vec<char> = b64.chars().collect();
    chars[0] = if chars[0] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}

async fn rotation_is_all_or_nothing(kind: DialectKind) {
    const N: usize = 1_000;
    let (test, db) = open(kind).await;
    let (old, new) = (key(1), key(2));
    let old_store = Credentials::new(db.clone(), Keyring::new(old.clone()));
    seed(&old_store, N).await;

    let interrupted = old_store
        .rotate_with(&old, &new, |done| {
            if done == N / 2 {
                Err(Error::Lock("injected failure half-way".into()))
            } else {
                Ok(())
            }
        })
        .await;
    assert!(
        interrupted.is_err(),
        "{kind}: the injected failure did not stop the rotation"
    );
    let all = old_store
        .list(CredentialFilter::default())
        .await
        .and_then(CredentialList::complete);
    let all = all.unwrap_or_else(|e| panic!("{kind}: old key after an interrupted rotation: {e}"));
    assert_eq!(all.len(), N);
    assert!(
        all.iter()
            .enumerate()
            .all(|(i, c)| c.config == secret_config(i))
    );

    let rotation = old_store.rotate(&old, &new).await.expect("rotate");
    assert_eq!(
        rotation,
        Rotation {
            rotated: N,
            ..Rotation::default()
        }
    );
    let new_store = Credentials::new(db.clone(), Keyring::new(new.clone()));
    let all = new_store
        .list(CredentialFilter::default())
        .await
        .and_then(CredentialList::complete)
        .expect("new key reads all");
    assert_eq!(all.len(), N);
    assert!(
        all.iter()
            .enumerate()
            .all(|(i, c)| c.config == secret_config(i))
    );
    for c in all.iter().step_by(97) {
        let (problem, _) = problem_of(old_store.get(c.id).await);
        assert_eq!(
            problem,
            CredentialProblem::WrongKey,
            "{kind}: old key still reads {}",
            c.id
        );
    }
    assert_eq!(
        old_store.rotate(&old, &new).await.expect("rotate again"),
        Rotation::default(),
        "{kind}: nothing left to rotate"
    );
    close(test, db).await;
}

async fn builder_reads_keys(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let (old, new) = (key(7), key(8));
    let r#type = match kind {
        DialectKind::Sqlite => DatabaseType::Sqlite,
        DialectKind::Postgres => DatabaseType::Postgresql,
        DialectKind::Mysql => DatabaseType::Mysql,
    };
    let config = DatabaseConfig::new(r#type, test.url(), "main");
    let old_only = Invect::builder()
        .base_database_config(config.clone())
        .encryption_key(old.clone())
        .build()
        .await
        .expect("build");
    let before = old_only
        .credentials()
        .create(CredentialInput::new(
            "before",
            "llm",
            "apiKey",
            secret_config(1),
        ))
        .await
        .expect("create");

    // A rotation window: the new key encrypts, the old one still decrypts.
    let window = Invect::builder()
        .base_database_config(config)
        .encryption_key(new.clone())
        .previous_encryption_key(old.clone())
        .build()
        .await
        .expect("build");
    let store = window.credentials();
    let after = store
        .create(CredentialInput::new(
            "after",
            "llm",
            "apiKey",
            secret_config(2),
        ))
        .await
        .expect("create");
    assert_eq!(
        store
            .get(before.id)
            .await
            .expect("old row")
            .map(|c| c.config),
        Some(secret_config(1))
    );
    assert_eq!(
        store
            .get(after.id)
            .await
            .expect("new row")
            .map(|c| c.config),
        Some(secret_config(2))
    );
    let (problem, _) = problem_of(old_only.credentials().get(after.id).await);
    assert_eq!(problem, CredentialProblem::WrongKey);
    old_only.db().close().await;
    window.db().close().await;
    db.close().await;
    test.drop().await;
}

#[test]
fn keys_round_trip_and_have_stable_ids() {
    let k = EncryptionKey::generate().expect("random key");
    let again = EncryptionKey::from_base64(&k.to_base64()).expect("parse");
    assert_eq!(again, k);
    assert_eq!(again.id(), k.id());
    assert_eq!(k.id().len(), 8);
    assert_ne!(key(1).id(), key(2).id());
    assert!(!format!("{k:?}").contains(&k.to_base64()));
}
