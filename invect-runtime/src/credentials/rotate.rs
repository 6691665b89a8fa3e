//! Key rotation: every credential sealed with an old key re-encrypted under
//! the new one, in one transaction, while the application goes on reading
//! and writing credentials with either key.

use serde_json::Value;

use super::envelope;
use super::report::{KeyCounts, Rotation, UnreadableCredential};
use super::{CredentialProblem, Credentials, EncryptionKey, Keyring, credential_error};
use crate::column::ColumnExt;
use crate::core::{Credential, credentials};
use crate::db::Tx;
use crate::error::Result;
use crate::query::TableExt;
use crate::table::Expr;

impl Credentials {
    /// Re-encrypts every credential sealed with `old` under `new`, in one
    /// transaction: all rows or none. Rows under any other key (already
    /// `new`, say) are left as they are, so an interrupted rotation can simply
    /// be run again. Rows that cannot be read are reported in
    /// [`Rotation::unreadable`] and left as they are; the rest are rotated.
    ///
    /// The application may write credentials meanwhile: a row it changes
    /// after the rotation read it is read again and re-encrypted from what
    /// it holds then, never overwritten with the older config. On SQLite
    /// the rotation holds the write lock throughout, so application writes
    /// wait for it (up to the busy timeout) and it waits for them.
    ///
    /// `old` and `new` must differ.
    pub async fn rotate(&self, old: &EncryptionKey, new: &EncryptionKey) -> Result<Rotation> {
        self.rotate_with(old, new, |_| Ok(())).await
    }

    /// [`rotate`](Self::rotate), calling `after_row(rows_done)` after each
    /// re-encrypted row (progress); an error from it rolls everything back.
    pub async fn rotate_with(
        &self,
        old: &EncryptionKey,
        new: &EncryptionKey,
        mut after_row: impl FnMut(usize) -> Result<()> + Send,
    ) -> Result<Rotation> {
        refuse_same_key(old, new)?;
        let old = Keyring::new(old.clone());
        let mut tx = self.db.begin().await?;
        // In id order: two rotations at once lock rows in the same order, so
        // the second waits for the first instead of deadlocking with it.
        let rows = Credential::select()
            .order_by(credentials::id.asc())
            .all(&mut tx)
            .await?;
        let mut report = Rotation::default();
        for row in rows {
            if rotate_row(&mut tx, &old, new, row, &mut report).await? {
                after_row(report.rotated)?;
            }
        }
        tx.commit().await?;
        Ok(report)
    }

    /// Which key encrypts each credential (read-only; a rotation's before
    /// and after). A row that is not an envelope is reported in
    /// [`KeyCounts::unreadable`]; the others are counted.
    pub async fn count_by_key(&self) -> Result<KeyCounts> {
        let rows = Credential::select()
            .order_by(credentials::id.asc())
            .all(&self.db)
            .await?;
        let mut counts = KeyCounts::default();
        for row in rows {
            match envelope::key_id_of(&row.id.to_string(), &row.config) {
                Ok(kid) => counts.by_key.entry(kid).or_default().push(row.id),
                Err(e) => counts.unreadable.push(UnreadableCredential::of(&row, e)?),
            }
        }
        Ok(counts)
    }
}

/// Rotating from a key to itself would re-encrypt nothing and report
/// success; it is always a mistake in the keys given.
fn refuse_same_key(old: &EncryptionKey, new: &EncryptionKey) -> Result<()> {
    if old != new {
        return Ok(());
    }
    Err(credential_error(
        None,
        CredentialProblem::InvalidKey,
        format!(
            "the old and the new key are the same key (`{}`), so there is nothing to rotate; \
             the new key must be another one (make one with `invect-cli secret`)",
            new.id()
        ),
    ))
}

/// Re-encrypts `row` under `new` in `tx` if `old` sealed it; whether it did.
///
/// The first write is conditional on the row's `config` still being the
/// envelope read at the start, compared by the database. The envelope
/// itself is compared, not `updated_at`: every write of a config has a
/// fresh random nonce, so two writes never store the same envelope, while
/// `updated_at` is set only by this API and two writes can share one
/// (clock resolution, clocks of several application servers). The
/// comparison is PostgreSQL's `jsonb = jsonb` and, on SQLite and MariaDB
/// (JSON is text there; MariaDB's collation is `utf8mb4_bin`), the text,
/// which serde_json writes the same way for the same value. A changed row
/// always compares unequal (its nonce differs). Where an unchanged row might
/// too (MySQL 8's JSON type compares a column with a text parameter as a
/// JSON string; a row written by other software with other spacing), that
/// only costs the second step below.
///
/// When the first write matches nothing, the row changed (or was deleted)
/// since it was read: it is read again with a row lock (`FOR UPDATE`,
/// which on MySQL also reads past the transaction's snapshot; on SQLite the
/// write transaction holds the whole database), and what it holds now is
/// re-encrypted, by id alone, since nobody can change it any more.
async fn rotate_row(
    tx: &mut Tx,
    old: &Keyring,
    new: &EncryptionKey,
    row: Credential,
    report: &mut Rotation,
) -> Result<bool> {
    let Some(sealed) = reseal(old, new, &row, report)? else {
        return Ok(false);
    };
    let unchanged = credentials::id
        .eq(row.id)
        .and(credentials::config.eq(row.config.clone()));
    if write(tx, unchanged, sealed, report).await? {
        return Ok(true);
    }
    let fresh = Credential::select()
        .filter(credentials::id.eq(row.id))
        .for_update()
        .one(&mut *tx)
        .await?;
    if fresh.as_ref().is_none_or(|f| f.config != row.config) {
        report.changed += 1;
    }
    let Some(fresh) = fresh else {
        return Ok(false);
    };
    match reseal(old, new, &fresh, report)? {
        Some(sealed) => write(tx, credentials::id.eq(fresh.id), sealed, report).await,
        None => Ok(false),
    }
}

/// `row`'s config sealed with `new`, if `old` sealed it; a row that cannot
/// be read is added to `report` instead.
fn reseal(
    old: &Keyring,
    new: &EncryptionKey,
    row: &Credential,
    report: &mut Rotation,
) -> Result<Option<Value>> {
    let id = row.id.to_string();
    let plain = match envelope::key_id_of(&id, &row.config) {
        Ok(kid) if old.by_id(&kid).is_none() => return Ok(None),
        Ok(_) => envelope::open(old, &id, &row.config),
        Err(e) => Err(e),
    };
    match plain {
        Ok(plain) => envelope::seal(new, &id, &plain).map(Some),
        Err(e) => {
            report.unreadable.push(UnreadableCredential::of(row, e)?);
            Ok(None)
        }
    }
}

/// Writes `sealed` as the config of the row `filter` matches; whether one did.
async fn write(
    tx: &mut Tx,
    filter: Expr<Credential>,
    sealed: Value,
    report: &mut Rotation,
) -> Result<bool> {
    let matched = Credential::update_where(filter)
        .set(credentials::config, sealed)
        .execute(&mut *tx)
        .await?;
    if matched > 0 {
        report.rotated += 1;
    }
    Ok(matched > 0)
}
