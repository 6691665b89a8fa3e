//! `credentials rotate`: re-encrypt every credential under the current key.

use invect_runtime::Invect;
use invect_runtime::credentials::{ENCRYPTION_KEY_VAR, Keyring, PREVIOUS_KEYS_VAR};

use crate::args::ChangeArgs;
use crate::failure::{Failure, Outcome};
use crate::open::Opened;
use crate::output::Out;
use crate::settings::Settings;

/// Re-encrypts the rows under each key of `INVECT_PREVIOUS_ENCRYPTION_KEYS`
/// with `INVECT_ENCRYPTION_KEY`, one transaction per old key; the database
/// is reopened for writing only once the answer is yes.
pub async fn run(out: &Out, opened: Opened, settings: &Settings, change: ChangeArgs) -> Outcome {
    match rotate(out, opened.invect(), &change).await {
        Ok(true) => {}
        other => {
            opened.close().await;
            return other.map(|_| ());
        }
    }
    let invect = opened.for_writing(settings).await?;
    let result = re_encrypt(out, &invect).await;
    invect.db().close().await;
    result
}

/// Counts and asks: whether to re-encrypt.
async fn rotate(out: &Out, invect: &Invect, common: &ChangeArgs) -> Result<bool, Failure> {
    let keys = Keyring::from_env()?;
    let new = keys.current().ok_or_else(|| {
        Failure::new(format!("{ENCRYPTION_KEY_VAR} is not set"))
            .hint(format!("set {ENCRYPTION_KEY_VAR} to the new key (make one with `invect-cli secret`) and {PREVIOUS_KEYS_VAR} to the old one"))
    })?;
    if keys.previous().is_empty() {
        return Err(Failure::new(format!("{PREVIOUS_KEYS_VAR} is not set: there is no old key to rotate from"))
            .hint(format!("set {PREVIOUS_KEYS_VAR} to the key the credentials are encrypted with now (comma-separated for several)")));
    }
    let store = invect.credentials();
    let before = store.count_by_key().await?;
    out.heading(format!(
        "credentials by key on database `{}`:",
        invect.config().id
    ));
    for (kid, n) in &before {
        out.line(format!("  key {kid}: {n}"));
    }
    let pending: usize = keys
        .previous()
        .iter()
        .filter_map(|k| before.get(k.id()))
        .sum();
    if pending == 0 {
        out.done(
            "up to date:",
            format!(
                "no credential is encrypted with an old key; all use key {}",
                new.id()
            ),
        );
        return Ok(false);
    }
    if common.dry_run {
        out.line(format!(
            "dry run: {pending} credential(s) would be re-encrypted with key {}",
            new.id()
        ));
        return Ok(false);
    }
    if !out.confirm(
        &format!("Re-encrypt {pending} credential(s) with key {}?", new.id()),
        common.yes,
    )? {
        return Err(Failure::new("cancelled; nothing was changed"));
    }
    Ok(true)
}

/// Re-encrypts, one old key at a time.
async fn re_encrypt(out: &Out, invect: &Invect) -> Outcome {
    let keys = Keyring::from_env()?;
    let (Some(new), store) = (keys.current(), invect.credentials()) else {
        return Err(Failure::new(format!("{ENCRYPTION_KEY_VAR} is not set")));
    };
    for old in keys.previous() {
        let n = crate::progress::with_progress(
            format!("re-encrypting credentials of key {}", old.id()),
            store.rotate(old, new),
        )
        .await?;
        out.done(
            "rotated:",
            format!(
                "{n} credential(s) from key {} to key {}",
                old.id(),
                new.id()
            ),
        );
    }
    let left: usize = store
        .count_by_key()
        .await?
        .iter()
        .filter(|(k, _)| *k != new.id())
        .map(|(_, n)| n)
        .sum();
    if left > 0 {
        out.warn(format!("{left} credential(s) use a key that is in neither {ENCRYPTION_KEY_VAR} nor {PREVIOUS_KEYS_VAR}; they were left as they are"));
    }
    Ok(())
}
