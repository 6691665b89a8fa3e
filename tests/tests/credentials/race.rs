//! Rotation while the application updates credentials (the rotation window:
//! some instances still encrypt with the old key, some already with the new
//! one, all read both): no update the application was told had succeeded is
//! reverted, and on SQLite neither side sees "database is locked".

use std::time::Instant;

use invect_runtime::core::{Credential, credentials};
use invect_runtime::credentials::{CredentialUpdate, Credentials, EncryptionKey, Keyring};
use invect_runtime::schema::DialectKind;
use invect_runtime::{ColumnExt, Db, TableExt};
use invect_tests::credential_writers::Writers;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{close, key, open, secret_config, seed};

const ROWS: usize = 1_000;
const WRITERS: usize = 8;

macro_rules! multi_thread_per_dialect {
    ($($test:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $test() { super::$test(invect_runtime::schema::DialectKind::Sqlite).await } )* }
        mod postgres { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $test() { super::$test(invect_runtime::schema::DialectKind::Postgres).await } )* }
        mod mysql { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $test() { super::$test(invect_runtime::schema::DialectKind::Mysql).await } )* }
    };
}

multi_thread_per_dialect!(
    rotation_reverts_no_concurrent_update,
    a_stored_envelope_compares_equal_to_itself_as_read,
);

// Not on SQLite: the rotation's write transaction keeps the application
// out until it commits, so no row can change half-way there.
#[tokio::test]
async fn a_row_changed_mid_rotation_is_read_again_postgres() {
    a_row_changed_mid_rotation_is_read_again(DialectKind::Postgres).await
}

#[tokio::test]
async fn a_row_changed_mid_rotation_is_read_again_mysql() {
    a_row_changed_mid_rotation_is_read_again(DialectKind::Mysql).await
}

/// 8 tasks update configs (half with the old key, half with the new) while
/// `rotate` runs on its own pool: every update that succeeded is still
/// there, none failed, and a second rotation after the writers stop leaves
/// every row under the new key.
async fn rotation_reverts_no_concurrent_update(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let (old, new) = (key(1), key(2));
    let ids = seed(
        &Credentials::new(db.clone(), Keyring::new(old.clone())),
        ROWS,
    )
    .await;
    let rotator = Db::connect(test.url()).await.expect("second pool");
    let store = Credentials::new(rotator.clone(), Keyring::new(new.clone()));

    let writers = Writers::start(&db, &ids, WRITERS, |w| match w % 2 {
        0 => Keyring::new(old.clone()),
        _ => Keyring::new(new.clone()).with_previous(old.clone()),
    })
    .await;
    let start = Instant::now();
    let rotation = store.rotate(&old, &new).await;
    let end = Instant::now();
    let written = writers.stop().await;
    let rotation = rotation.unwrap_or_else(|e| panic!("{kind}: rotation failed: {e}"));

    let during = written.overlapping(start, end);
    eprintln!(
        "{kind}: {} application updates ({during} while rotating for {:?}), {rotation:?}",
        written.updates(),
        end - start
    );
    assert!(
        written.errors.is_empty(),
        "{kind}: {} application updates failed, e.g. {:?}",
        written.errors.len(),
        &written.errors[..written.errors.len().min(3)]
    );
    assert!(
        during > 0,
        "{kind}: no application update was under way while the rotation ran; the race was not run"
    );
    if kind != DialectKind::Sqlite {
        assert!(
            rotation.changed > 0,
            "{kind}: no row changed between the rotation's read and its write; the re-read was not exercised"
        );
    }
    let both = Keyring::new(new.clone()).with_previous(old.clone());
    let reverted = written.reverted(&db, &ids, both, secret_config).await;
    assert!(
        reverted.is_empty(),
        "{kind}: the rotation reverted {} of {} application updates, e.g. {:?}",
        reverted.len(),
        written.updates(),
        &reverted[..reverted.len().min(3)]
    );

    store.rotate(&old, &new).await.expect("second rotation");
    let counts = store.count_by_key().await.expect("count");
    assert_eq!(counts.count(new.id()), ROWS, "{kind}: {counts:?}");
    assert_eq!(counts.by_key.len(), 1, "{kind}: {counts:?}");
    rotator.close().await;
    close(test, db).await;
}

/// What the rotation's conditional write relies on: `config = <the
/// envelope as read>` matches its row on each dialect (or every rotated
/// row would take the locked re-read), and another write's envelope of
/// the same config does not.
async fn a_stored_envelope_compares_equal_to_itself_as_read(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let store = Credentials::new(db.clone(), Keyring::new(key(1)));
    let id = seed(&store, 1).await[0];
    let read = |db: Db| async move {
        let row = Credential::find(&db, id).await.expect("find");
        row.expect("the row").config
    };
    let first = read(db.clone()).await;
    let same_config = CredentialUpdate {
        config: Some(secret_config(0)),
        ..CredentialUpdate::default()
    };
    store.update(id, same_config).await.expect("update");
    let second = read(db.clone()).await;
    assert_ne!(first, second, "{kind}: a write kept its nonce");
    let matched = |config: Value| {
        Credential::update_where(credentials::id.eq(id).and(credentials::config.eq(config)))
            .set(credentials::name, "renamed")
            .execute(&db)
    };
    assert_eq!(
        matched(first).await.expect("update"),
        0,
        "{kind}: an older envelope matched"
    );
    assert_eq!(
        matched(second).await.expect("update"),
        1,
        "{kind}: the stored envelope did not match"
    );
    close(test, db).await;
}

/// The application's config number `i`.
fn app_config(i: usize) -> Value {
    json!({ "apiKey": format!("sk-app-{i}") })
}

/// While the rotation is at its first row, another connection (another
/// thread, as another application instance would) updates the 5 rows the
/// rotation reaches last, 3 with the old key and 2 with the new one, and
/// deletes the 6th last: each is read again, not overwritten; the rows
/// under the old key are re-encrypted from the application's config.
async fn a_row_changed_mid_rotation_is_read_again(kind: DialectKind) {
    const N: usize = 50;
    let (test, db) = open(kind).await;
    let (old, new) = (key(1), key(2));
    let mut ids = seed(&Credentials::new(db.clone(), Keyring::new(old.clone())), N).await;
    ids.sort(); // the rotation's order
    let (deleted, late) = (ids[N - 6], ids[N - 5..].to_vec());
    let url = test.url().to_string();
    let store = Credentials::new(db.clone(), Keyring::new(new.clone()));
    let rotation = store
        .rotate_with(&old, &new, |done| {
            if done == 1 {
                app_writes(&url, &old, &new, &late, deleted);
            }
            Ok(())
        })
        .await
        .unwrap_or_else(|e| panic!("{kind}: rotation failed: {e}"));

    assert_eq!(rotation.changed, 6, "{kind}: {rotation:?}");
    assert_eq!(rotation.rotated, N - 1 - 2, "{kind}: {rotation:?}");
    assert!(rotation.unreadable.is_empty(), "{kind}: {rotation:?}");
    for (i, id) in late.iter().enumerate() {
        let stored = store.get(*id).await.expect("read with the new key");
        assert_eq!(
            stored.map(|c| c.config),
            Some(app_config(i)),
            "{kind}: the application's update of {id} was reverted"
        );
    }
    assert_eq!(store.get(deleted).await.expect("get"), None);
    let counts = store.count_by_key().await.expect("count");
    assert_eq!(counts.count(new.id()), N - 1, "{kind}: {counts:?}");
    close(test, db).await;
}

/// The application's writes of [`a_row_changed_mid_rotation_is_read_again`],
/// on their own thread, runtime and pool, waited for.
fn app_writes(url: &str, old: &EncryptionKey, new: &EncryptionKey, late: &[Uuid], deleted: Uuid) {
    let work = async {
        let db = Db::connect(url).await.expect("the application connects");
        for (i, id) in late.iter().enumerate() {
            let ring = match i % 2 {
                0 => Keyring::new(old.clone()),
                _ => Keyring::new(new.clone()).with_previous(old.clone()),
            };
            let changes = CredentialUpdate {
                config: Some(app_config(i)),
                ..CredentialUpdate::default()
            };
            Credentials::new(db.clone(), ring)
                .update(*id, changes)
                .await
                .expect("the application's update");
        }
        let store = Credentials::new(db.clone(), Keyring::new(new.clone()));
        assert!(
            store
                .delete(deleted)
                .await
                .expect("the application's delete")
        );
        db.close().await;
    };
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the application thread")
                .block_on(work)
        })
        .join()
        .expect("the application thread panicked")
    });
}
