//! What [`list`](super::Credentials::list),
//! [`count_by_key`](super::Credentials::count_by_key) and
//! [`rotate`](super::Credentials::rotate) report: their results, and the
//! rows they could not read, each by id, so that one bad row never hides
//! every other credential.

use std::collections::BTreeMap;
use std::fmt;

use uuid::Uuid;

use super::{CredentialProblem, CredentialRecord};
use crate::core::Credential;
use crate::error::{Error, Result};

/// A stored credential that could not be read (its `config` is not an
/// Invect envelope, was sealed with a key that is not configured, or was
/// altered), and why. The call that met it went on with the other rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableCredential {
    pub id: Uuid,
    pub name: String,
    pub problem: CredentialProblem,
    /// What is wrong with the row and what to do; never the secret.
    pub message: String,
}

impl UnreadableCredential {
    /// `row`'s failure `e`, or `e` itself when it is not about one row.
    pub(crate) fn of(row: &Credential, e: Error) -> Result<UnreadableCredential> {
        match e {
            Error::Credential {
                id: Some(_),
                problem,
                message,
            } => Ok(UnreadableCredential {
                id: row.id,
                name: row.name.clone(),
                problem,
                message,
            }),
            other => Err(other),
        }
    }

    /// This row's problem as the error [`Credentials::get`](super::Credentials::get) gives.
    pub fn into_error(self) -> Error {
        Error::Credential {
            id: Some(self.id.to_string()),
            problem: self.problem,
            message: self.message,
        }
    }
}

impl fmt::Display for UnreadableCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "credential `{}` (`{}`): {}",
            self.id, self.name, self.message
        )
    }
}

/// What [`Credentials::list`](super::Credentials::list) read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CredentialList {
    /// The credentials that decrypted, by name.
    pub records: Vec<CredentialRecord>,
    /// The matching rows that did not, by name.
    pub unreadable: Vec<UnreadableCredential>,
}

impl CredentialList {
    /// The records if every row decrypted, else the first unreadable row's
    /// error: for callers that need all or nothing.
    pub fn complete(self) -> Result<Vec<CredentialRecord>> {
        match self.unreadable.into_iter().next() {
            Some(bad) => Err(bad.into_error()),
            None => Ok(self.records),
        }
    }
}

/// Which key encrypts each credential, as
/// [`Credentials::count_by_key`](super::Credentials::count_by_key) read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyCounts {
    /// Key id → the ids of the credentials it encrypts, in id order.
    pub by_key: BTreeMap<String, Vec<Uuid>>,
    /// Rows whose `config` is not an envelope, so no key can be named.
    pub unreadable: Vec<UnreadableCredential>,
}

impl KeyCounts {
    /// How many credentials key `key_id` encrypts.
    pub fn count(&self, key_id: &str) -> usize {
        self.by_key.get(key_id).map_or(0, Vec::len)
    }

    /// The credentials under keys other than `known`, by key id.
    pub fn other_than(&self, known: &[&str]) -> BTreeMap<&str, &[Uuid]> {
        self.by_key
            .iter()
            .filter(|(kid, _)| !known.contains(&kid.as_str()))
            .map(|(kid, ids)| (kid.as_str(), ids.as_slice()))
            .collect()
    }
}

/// What [`Credentials::rotate`](super::Credentials::rotate) did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rotation {
    /// Credentials re-encrypted from the old key to the new one.
    pub rotated: usize,
    /// Credentials whose config changed (or that were deleted) after the
    /// rotation read them: each was read again, locked, and re-encrypted
    /// from what it held then, so the change was kept. Counted among
    /// `rotated` if they were still under the old key.
    pub changed: usize,
    /// Rows that could not be re-encrypted (not an envelope, or under the
    /// old key but not decrypting with it); they were left as they are.
    pub unreadable: Vec<UnreadableCredential>,
}
