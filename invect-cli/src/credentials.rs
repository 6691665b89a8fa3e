//! `credentials rotate`: re-encrypt every credential under the current key.
//!
//! It exits 0 only when, afterwards, every credential is under the new key:
//! rows under a key that was not given, rows that cannot be read, and rows
//! the application wrote with an old key while the rotation ran are each
//! listed, and the run exits 1, so a script never drops the old key while a
//! credential still needs it.

use std::collections::BTreeSet;

use invect_runtime::Invect;
use invect_runtime::credentials::{
    ENCRYPTION_KEY_VAR, EncryptionKey, KeyCounts, Keyring, PREVIOUS_KEYS_VAR, UnreadableCredential,
};
use invect_runtime::prelude::Uuid;

use crate::args::ChangeArgs;
use crate::failure::{Failure, Outcome};
use crate::open::Opened;
use crate::output::Out;
use crate::settings::Settings;

/// How many ids to list per key before "and N more".
const IDS_SHOWN: usize = 10;

/// Re-encrypts the rows under each key of `INVECT_PREVIOUS_ENCRYPTION_KEYS`
/// with `INVECT_ENCRYPTION_KEY`, one transaction per old key; the database
/// is reopened for writing only once the answer is yes.
pub async fn run(out: &Out, opened: Opened, settings: &Settings, change: ChangeArgs) -> Outcome {
    let asked = match rotation_keys() {
        Ok((keys, new)) => ask(out, opened.invect(), &keys, &new, &change)
            .await
            .map(|before| before.map(|b| (keys, new, b))),
        Err(e) => Err(e),
    };
    let (keys, new, before) = match asked {
        Ok(Some(go)) => go,
        other => {
            opened.close().await;
            return other.map(drop);
        }
    };
    let invect = opened.for_writing(settings).await?;
    let result = re_encrypt(out, &invect, &keys, &new, &before).await;
    invect.db().close().await;
    result
}

/// Counts, shows and asks: the counts to rotate from, or `None` when the
/// command is done (nothing pending, a dry run).
async fn ask(
    out: &Out,
    invect: &Invect,
    keys: &Keyring,
    new: &EncryptionKey,
    change: &ChangeArgs,
) -> Result<Option<KeyCounts>, Failure> {
    let before = invect.credentials().count_by_key().await?;
    show_counts(out, invect, keys, &before);
    // Problems found now are listed in the counts above and reported in
    // full once, when the command ends: here, or after the rotation.
    let stuck = Stuck::before(keys, &before);
    let pending: usize = keys.previous().iter().map(|k| before.count(k.id())).sum();
    if pending == 0 {
        return nothing_pending(out, new, &stuck).map(|()| None);
    }
    if change.dry_run {
        out.line(format!(
            "dry run: {pending} credential(s) would be re-encrypted with key {}",
            new.id()
        ));
        stuck.warn(out);
        return stuck.result().map(|()| None);
    }
    if !out.confirm(
        &format!("Re-encrypt {pending} credential(s) with key {}?", new.id()),
        change.yes,
    )? {
        return Err(Failure::new("cancelled; nothing was changed"));
    }
    Ok(Some(before))
}

/// Re-encrypts from each old key that has rows, then reports what is left.
async fn re_encrypt(
    out: &Out,
    invect: &Invect,
    keys: &Keyring,
    new: &EncryptionKey,
    before: &KeyCounts,
) -> Outcome {
    let mut unreadable = Vec::new();
    for old in keys.previous().iter().filter(|k| before.count(k.id()) > 0) {
        unreadable.extend(rotate_one(out, invect, old, new).await?);
    }
    let after = invect.credentials().count_by_key().await?;
    let stuck = Stuck::after(keys, &after, unreadable);
    stuck.warn(out);
    stuck.result()
}

/// No credential is under an old key: up to date, unless some are stuck.
fn nothing_pending(out: &Out, new: &EncryptionKey, stuck: &Stuck) -> Outcome {
    if stuck.is_empty() {
        out.done(
            "up to date:",
            format!(
                "no credential is encrypted with an old key; all use key {}",
                new.id()
            ),
        );
        return Ok(());
    }
    out.line("nothing to re-encrypt: no credential is encrypted with an old key");
    stuck.warn(out);
    stuck.result()
}

/// The keys from the environment, and the new one of them; there must be
/// old ones, and they must differ from it.
fn rotation_keys() -> Result<(Keyring, EncryptionKey), Failure> {
    let keys = Keyring::from_env()?;
    let Some(new) = keys.current() else {
        return Err(Failure::new(format!("{ENCRYPTION_KEY_VAR} is not set"))
            .hint(format!("set {ENCRYPTION_KEY_VAR} to the new key (make one with `invect-cli secret`) and {PREVIOUS_KEYS_VAR} to the old one")));
    };
    if keys.previous().is_empty() {
        return Err(Failure::new(format!("{PREVIOUS_KEYS_VAR} is not set: there is no old key to rotate from"))
            .hint(format!("set {PREVIOUS_KEYS_VAR} to the key the credentials are encrypted with now (comma-separated for several)")));
    }
    if keys.previous().contains(new) {
        return Err(Failure::new(format!(
            "{PREVIOUS_KEYS_VAR} holds the same key as {ENCRYPTION_KEY_VAR} (key {}): a key cannot be rotated to itself; nothing was changed",
            new.id()
        ))
        .hint(format!("set {ENCRYPTION_KEY_VAR} to a new key (make one with `invect-cli secret`) and keep the current one in {PREVIOUS_KEYS_VAR}")));
    }
    let new = new.clone();
    Ok((keys, new))
}

/// Rotates from `old`; the rows it could not read.
async fn rotate_one(
    out: &Out,
    invect: &Invect,
    old: &EncryptionKey,
    new: &EncryptionKey,
) -> Result<Vec<UnreadableCredential>, Failure> {
    let rotation = crate::progress::with_progress(
        format!("re-encrypting credentials of key {}", old.id()),
        invect.credentials().rotate(old, new),
    )
    .await?;
    out.done(
        "rotated:",
        format!(
            "{} credential(s) from key {} to key {}",
            rotation.rotated,
            old.id(),
            new.id()
        ),
    );
    if rotation.changed > 0 {
        out.line(format!(
            "  {} credential(s) changed or were deleted while rotating: each was read again, no change was undone",
            rotation.changed
        ));
    }
    Ok(rotation.unreadable)
}

/// The credentials by key: each key given (even with none, so a wrong key
/// shows), then the keys that were not given.
fn show_counts(out: &Out, invect: &Invect, keys: &Keyring, counts: &KeyCounts) {
    out.heading(format!(
        "credentials by key on database `{}`:",
        invect.config().id
    ));
    let given = keys.current().into_iter().chain(keys.previous());
    for (i, k) in given.enumerate() {
        let role = match i {
            0 => format!("the new key, {ENCRYPTION_KEY_VAR}"),
            _ => format!("an old key, {PREVIOUS_KEYS_VAR}"),
        };
        out.line(format!(
            "  key {} ({role}): {}",
            k.id(),
            counts.count(k.id())
        ));
    }
    for (kid, ids) in counts.other_than(&given_ids(keys)) {
        out.line(format!("  key {kid} (not given): {}", ids.len()));
    }
    if !counts.unreadable.is_empty() {
        out.line(format!("  unreadable: {}", counts.unreadable.len()));
    }
}

/// The ids of the new key and the old ones.
fn given_ids(keys: &Keyring) -> Vec<&str> {
    keys.current()
        .into_iter()
        .chain(keys.previous())
        .map(EncryptionKey::id)
        .collect()
}

/// The credentials a rotation cannot (or did not) bring to the new key.
struct Stuck<'a> {
    /// Under a key that was not given: key id and the rows.
    unknown: Vec<(&'a str, &'a [Uuid])>,
    /// Still under an old key after the rotation: the application wrote
    /// them with it while the rotation ran.
    old: Vec<(&'a str, Vec<Uuid>)>,
    unreadable: Vec<UnreadableCredential>,
}

impl<'a> Stuck<'a> {
    /// Before a rotation: the rows of `counts` under a key that was not
    /// given, and the rows that are not envelopes.
    fn before(keys: &Keyring, counts: &'a KeyCounts) -> Stuck<'a> {
        Stuck {
            unknown: counts.other_than(&given_ids(keys)).into_iter().collect(),
            old: Vec::new(),
            unreadable: counts.unreadable.clone(),
        }
    }

    /// After a rotation that could not read `skipped`: also the rows that
    /// are still under an old key.
    fn after(
        keys: &'a Keyring,
        counts: &'a KeyCounts,
        skipped: Vec<UnreadableCredential>,
    ) -> Stuck<'a> {
        let mut stuck = Stuck::before(keys, counts);
        let reported: BTreeSet<Uuid> = skipped.iter().map(|u| u.id).collect();
        for old in keys.previous() {
            let ids: Vec<Uuid> = counts
                .by_key
                .get(old.id())
                .into_iter()
                .flatten()
                .filter(|id| !reported.contains(id))
                .copied()
                .collect();
            if !ids.is_empty() {
                stuck.old.push((old.id(), ids));
            }
        }
        let known: BTreeSet<Uuid> = stuck.unreadable.iter().map(|u| u.id).collect();
        stuck
            .unreadable
            .extend(skipped.into_iter().filter(|u| !known.contains(&u.id)));
        stuck
    }

    fn is_empty(&self) -> bool {
        self.unknown.is_empty() && self.old.is_empty() && self.unreadable.is_empty()
    }

    /// One warning per key and per unreadable row.
    fn warn(&self, out: &Out) {
        for (kid, ids) in &self.unknown {
            out.warn(format!(
                "{} credential(s) are encrypted with key {kid}, which is neither {ENCRYPTION_KEY_VAR} nor in {PREVIOUS_KEYS_VAR}, so they cannot be rotated: {}",
                ids.len(),
                id_list(ids)
            ));
        }
        for (kid, ids) in &self.old {
            out.warn(format!(
                "{} credential(s) are still encrypted with the old key {kid}: they were written with it while the rotation ran: {}",
                ids.len(),
                id_list(ids)
            ));
        }
        for row in &self.unreadable {
            out.warn(format!("{row}; it was left as it is"));
        }
    }

    /// An error, with what to do, unless nothing is stuck.
    fn result(&self) -> Outcome {
        if self.is_empty() {
            return Ok(());
        }
        let unknown: usize = self.unknown.iter().map(|(_, ids)| ids.len()).sum();
        let old: usize = self.old.iter().map(|(_, ids)| ids.len()).sum();
        let unreadable = self.unreadable.len();
        let parts: Vec<String> = [
            (unknown, "under a key that was not given"),
            (old, "still under an old key"),
            (unreadable, "unreadable"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        Err(Failure::new(format!(
            "{} credential(s) are not under the new key ({}); keep every old key until they are",
            unknown + old + unreadable,
            parts.join(", ")
        ))
        .hint(self.advice()))
    }

    /// What to do about each kind of stuck credential there is.
    fn advice(&self) -> String {
        let mut todo = Vec::new();
        if !self.unknown.is_empty() {
            todo.push(format!("add the key with that id to {PREVIOUS_KEYS_VAR} and run again (ids are no secret: every key given is listed above with its id), or delete those credentials if that key is lost"));
        }
        if !self.old.is_empty() {
            todo.push(format!("run `invect-cli credentials rotate` again once every instance of the application encrypts with {ENCRYPTION_KEY_VAR}"));
        }
        if !self.unreadable.is_empty() {
            todo.push("set the config of each unreadable credential again through the credentials API, or delete it".to_string());
        }
        todo.join("; ")
    }
}

/// `ids`, at most [`IDS_SHOWN`] of them, then how many more.
fn id_list(ids: &[Uuid]) -> String {
    let shown: Vec<String> = ids.iter().take(IDS_SHOWN).map(Uuid::to_string).collect();
    match ids.len().saturating_sub(IDS_SHOWN) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}
