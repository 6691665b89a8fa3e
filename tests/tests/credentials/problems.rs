//! Rows a rotation cannot handle are reported by id, never hidden and never
//! the end of everything: a row that is not an envelope, rows under a key
//! that is not configured, and a rotation from a key to itself.

use invect_runtime::credentials::{
    CredentialFilter, CredentialList, CredentialProblem, Credentials, Keyring,
};
use invect_runtime::schema::DialectKind;
use serde_json::json;

use crate::support::{
    SECRETS, close, key, open, problem_of, raw_configs, secret_config, seed, set_raw_config,
};

invect_tests::per_dialect!(
    an_unreadable_row_is_reported_and_the_rest_go_on,
    rows_under_another_key_are_counted_apart,
    unreadable_rows_never_show_what_they_hold,
    rotation_to_the_same_key_is_refused,
    no_key_at_all_fails_the_whole_list,
);

/// One row's `config` written behind the API's back as plain JSON: `list`,
/// `count_by_key` and `rotate` each name it (id, name, `Malformed`) and
/// handle every other row; the row is left exactly as it was.
async fn an_unreadable_row_is_reported_and_the_rest_go_on(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let (old, new) = (key(1), key(2));
    let old_store = Credentials::new(db.clone(), Keyring::new(old.clone()));
    let ids = seed(&old_store, 5).await;
    let bad = ids[2];
    set_raw_config(&db, bad, json!({"apiKey": "plain"})).await;

    let list = old_store
        .list(CredentialFilter::default())
        .await
        .unwrap_or_else(|e| panic!("{kind}: one bad row failed the whole list: {e}"));
    let names: Vec<&str> = list.records.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["c0000", "c0001", "c0003", "c0004"], "{kind}");
    assert_eq!(list.records[2].config, secret_config(3), "{kind}");
    assert_eq!(list.unreadable.len(), 1, "{kind}: {:?}", list.unreadable);
    let row = &list.unreadable[0];
    assert_eq!((row.id, row.name.as_str()), (bad, "c0002"), "{kind}");
    assert_eq!(row.problem, CredentialProblem::Malformed, "{kind}");
    let text = row.to_string();
    assert!(
        text.contains(&bad.to_string()) && text.contains("not an Invect encryption envelope"),
        "{kind}: {text}"
    );
    let (problem, message) = problem_of(list.clone().complete());
    assert_eq!(problem, CredentialProblem::Malformed, "{kind}: {message}");

    let counts = old_store
        .count_by_key()
        .await
        .expect("count despite the bad row");
    assert_eq!(counts.count(old.id()), 4, "{kind}: {counts:?}");
    assert_eq!(counts.unreadable.len(), 1, "{kind}: {counts:?}");
    assert_eq!(counts.unreadable[0].id, bad, "{kind}");

    let raw_before = raw_configs(&db).await;
    let rotation = old_store
        .rotate(&old, &new)
        .await
        .unwrap_or_else(|e| panic!("{kind}: one bad row failed the rotation: {e}"));
    assert_eq!(rotation.rotated, 4, "{kind}: {rotation:?}");
    assert_eq!(rotation.unreadable.len(), 1, "{kind}: {rotation:?}");
    assert_eq!(rotation.unreadable[0].id, bad, "{kind}");
    let new_store = Credentials::new(db.clone(), Keyring::new(new.clone()));
    let after = new_store
        .list(CredentialFilter::default())
        .await
        .expect("list");
    assert_eq!(after.records.len(), 4, "{kind}");
    assert_eq!(after.unreadable[0].id, bad, "{kind}");
    let kept = raw_configs(&db).await;
    let plain: Vec<&String> = kept.iter().filter(|r| r.contains("plain")).collect();
    assert_eq!(plain.len(), 1, "{kind}: the bad row was changed: {kept:?}");
    assert!(
        raw_before.contains(plain[0]),
        "{kind}: the bad row was rewritten"
    );
    close(test, db).await;
}

/// Rows holding a secret in plain text instead of an envelope (a string,
/// an object with an envelope's field, an array): each is reported as
/// `Malformed` without quoting it.
async fn unreadable_rows_never_show_what_they_hold(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let store = Credentials::new(db.clone(), Keyring::new(key(1)));
    let ids = seed(&store, 3).await;
    set_raw_config(&db, ids[0], json!(SECRETS[0])).await;
    set_raw_config(&db, ids[1], json!({ "v": SECRETS[1], "ct": SECRETS[0] })).await;
    set_raw_config(&db, ids[2], json!([SECRETS[2]])).await;
    let list = store.list(CredentialFilter::default()).await.expect("list");
    let counts = store.count_by_key().await.expect("count");
    let rotation = store.rotate(&key(1), &key(2)).await.expect("rotate");
    for rows in [&list.unreadable, &counts.unreadable, &rotation.unreadable] {
        assert_eq!(rows.len(), 3, "{kind}: {rows:?}");
        for row in rows {
            assert_eq!(row.problem, CredentialProblem::Malformed, "{kind}: {row}");
            let text = format!("{row} {row:?} {}", row.clone().into_error());
            for secret in SECRETS {
                assert!(!text.contains(secret), "{kind}: `{secret}` shown: {text}");
            }
        }
    }
    close(test, db).await;
}

/// Three rows under a key nobody gave: `count_by_key` shows that key with
/// their ids, `other_than` singles them out, rotation leaves them, and a
/// list with the other keys names each as `WrongKey`.
async fn rows_under_another_key_are_counted_apart(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let (lost, old, new) = (key(9), key(1), key(2));
    let mut lost_ids = seed(&Credentials::new(db.clone(), Keyring::new(lost.clone())), 3).await;
    lost_ids.sort();
    let old_store = Credentials::new(db.clone(), Keyring::new(old.clone()));
    seed(&old_store, 2).await;

    let counts = old_store.count_by_key().await.expect("count");
    assert_eq!(
        counts.by_key.get(lost.id()),
        Some(&lost_ids),
        "{kind}: {counts:?}"
    );
    let other = counts.other_than(&[old.id(), new.id()]);
    assert_eq!(other.len(), 1, "{kind}: {other:?}");
    assert_eq!(other.get(lost.id()).map(|ids| ids.len()), Some(3), "{kind}");

    let rotation = old_store.rotate(&old, &new).await.expect("rotate");
    assert_eq!(rotation.rotated, 2, "{kind}: {rotation:?}");
    let counts = old_store.count_by_key().await.expect("count");
    assert_eq!(
        counts.count(lost.id()),
        3,
        "{kind}: rows of another key were touched"
    );
    assert_eq!(counts.count(new.id()), 2, "{kind}");

    let window = Credentials::new(
        db.clone(),
        Keyring::new(new.clone()).with_previous(old.clone()),
    );
    let list = window
        .list(CredentialFilter::default())
        .await
        .expect("list");
    assert_eq!(list.records.len(), 2, "{kind}");
    let mut unreadable: Vec<_> = list.unreadable.iter().map(|u| (u.id, u.problem)).collect();
    unreadable.sort_by_key(|(id, _)| *id);
    let expected: Vec<_> = lost_ids
        .iter()
        .map(|id| (*id, CredentialProblem::WrongKey))
        .collect();
    assert_eq!(unreadable, expected, "{kind}");
    close(test, db).await;
}

/// `rotate(k, k)` is an `InvalidKey` error naming the key id (never the
/// key), and changes nothing.
async fn rotation_to_the_same_key_is_refused(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let k = key(1);
    let store = Credentials::new(db.clone(), Keyring::new(k.clone()));
    seed(&store, 3).await;
    let before = raw_configs(&db).await;
    let (problem, message) = problem_of(store.rotate(&k, &key(1)).await);
    assert_eq!(problem, CredentialProblem::InvalidKey, "{kind}: {message}");
    assert!(
        message.contains("same key") && message.contains(k.id()),
        "{message}"
    );
    assert!(
        !message.contains(&k.to_base64()),
        "the key was shown: {message}"
    );
    assert_eq!(
        raw_configs(&db).await,
        before,
        "{kind}: a refused rotation wrote"
    );
    close(test, db).await;
}

/// Without any key, `list` is one `NoKey` error for the call, not one
/// unreadable row per credential.
async fn no_key_at_all_fails_the_whole_list(kind: DialectKind) {
    let (test, db) = open(kind).await;
    seed(&Credentials::new(db.clone(), Keyring::new(key(1))), 2).await;
    let none = Credentials::new(db.clone(), Keyring::default());
    let (problem, message) = problem_of(none.list(CredentialFilter::default()).await);
    assert_eq!(problem, CredentialProblem::NoKey, "{kind}: {message}");
    let empty = Credentials::new(db.clone(), Keyring::new(key(1)))
        .list(CredentialFilter {
            r#type: Some("nothing".into()),
            ..CredentialFilter::default()
        })
        .await
        .expect("an empty list");
    assert_eq!(empty, CredentialList::default(), "{kind}");
    close(test, db).await;
}
