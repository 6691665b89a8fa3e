//! What the credentials tests share: fixed keys, configs holding secrets, a
//! fresh database with the core tables, and raw access to the stored rows.

use invect_runtime::core::{Credential, credentials};
use invect_runtime::credentials::{CredentialInput, CredentialProblem, Credentials, EncryptionKey};
use invect_runtime::schema::DialectKind;
use invect_runtime::{ColumnExt, Db, Error, Pool, TableExt};
use invect_tests::{AnyTestDb, core_ddl};
use serde_json::{Value, json};

pub const SECRETS: [&str; 3] = [
    "sk-live-THE-SECRET-VALUE",
    "refresh-TOKEN-9f8e7d",
    "p@ss'; DROP TABLE flows; --",
];

/// A fixed key: 32 times `byte`.
pub fn key(byte: u8) -> EncryptionKey {
    EncryptionKey::from_bytes([byte; 32])
}

/// A config holding every secret, numbered `i`.
pub fn secret_config(i: usize) -> Value {
    json!({ "apiKey": SECRETS[0], "oauth": { "refresh": SECRETS[1] }, "password": SECRETS[2], "n": i })
}

/// The core tables on a fresh database of `kind`, and `Db::connect` on it.
pub async fn open(kind: DialectKind) -> (AnyTestDb, Db) {
    let test = AnyTestDb::new(kind).await;
    test.apply(&core_ddl(kind)).await;
    let db = Db::connect(test.url())
        .await
        .unwrap_or_else(|e| panic!("{kind}: connect failed: {e}"));
    (test, db)
}

/// Closes the handle and drops the database.
pub async fn close(test: AnyTestDb, db: Db) {
    db.close().await;
    test.drop().await;
}

/// `n` credentials `c0000`, `c0001`, … with `secret_config(i)`, in that
/// order; their ids.
pub async fn seed(store: &Credentials, n: usize) -> Vec<uuid::Uuid> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let input = CredentialInput::new(format!("c{i:04}"), "llm", "apiKey", secret_config(i));
        let created = store
            .create(input)
            .await
            .unwrap_or_else(|e| panic!("create {i}: {e}"));
        ids.push(created.id);
    }
    ids
}

/// The `config` column of every row as the database's own text.
pub async fn raw_configs(db: &Db) -> Vec<String> {
    let result = match db.pool() {
        Pool::Sqlite(p) => {
            sqlx::query_scalar("SELECT config FROM credentials")
                .fetch_all(p)
                .await
        }
        Pool::Postgres(p) => {
            sqlx::query_scalar("SELECT config::text FROM credentials")
                .fetch_all(p)
                .await
        }
        Pool::Mysql(p) => {
            sqlx::query_scalar("SELECT CAST(config AS CHAR) FROM credentials")
                .fetch_all(p)
                .await
        }
    };
    result.unwrap_or_else(|e| panic!("{}: reading raw configs failed: {e}", db.kind()))
}

/// Writes `config` into row `id` behind the credentials API's back.
pub async fn set_raw_config(db: &Db, id: uuid::Uuid, config: Value) {
    Credential::update_where(credentials::id.eq(id))
        .set(credentials::config, config)
        .execute(db)
        .await
        .expect("write raw config");
}

/// The problem and message of a credential error; panics on anything else.
#[track_caller]
pub fn problem_of(result: Result<impl std::fmt::Debug, Error>) -> (CredentialProblem, String) {
    match result {
        Err(e @ Error::Credential { .. }) => {
            let Error::Credential { problem, .. } = &e else {
                unreachable!()
            };
            (*problem, e.to_string())
        }
        other => panic!("expected a credential error, got {other:?}"),
    }
}
