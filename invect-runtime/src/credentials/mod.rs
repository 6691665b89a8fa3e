//! Credentials: the `credentials` table with its `config` encrypted before it
//! reaches the database (AES-256-GCM, a fresh nonce per write, the credential
//! id as associated data) and decrypted on read.
//!
//! ```no_run
//! use invect_runtime::credentials::{CredentialInput, Credentials, EncryptionKey, Keyring};
//! use invect_runtime::Db;
//!
//! # async fn demo() -> invect_runtime::Result<()> {
//! let db = Db::connect("file:./dev.db").await?;
//! let key = EncryptionKey::from_base64(&std::env::var("INVECT_ENCRYPTION_KEY").unwrap_or_default())?;
//! let store = Credentials::new(db, Keyring::new(key));
//! let created = store
//!     .create(CredentialInput::new("OpenAI", "llm", "apiKey", serde_json::json!({"apiKey": "sk-..."})))
//!     .await?;
//! let read = store.get(created.id).await?;
//! assert_eq!(read.map(|c| c.config), Some(serde_json::json!({"apiKey": "sk-..."})));
//! # Ok(()) }
//! ```

mod envelope;
mod key;
mod report;
mod rotate;

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

pub use key::{ENCRYPTION_KEY_VAR, EncryptionKey, Keyring, PREVIOUS_KEYS_VAR};
pub use report::{CredentialList, KeyCounts, Rotation, UnreadableCredential};

use crate::column::ColumnExt;
use crate::core::{Credential, NewCredential, credentials};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::query::TableExt;

pub use crate::error::CredentialProblem;

pub(crate) fn credential_error(
    id: Option<&str>,
    problem: CredentialProblem,
    message: String,
) -> Error {
    Error::Credential {
        id: id.map(str::to_string),
        problem,
        message,
    }
}

/// A new credential; `config` holds the secret part and is encrypted.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialInput {
    pub name: String,
    /// e.g. `llm`, `http-api`, `database`.
    pub r#type: String,
    /// e.g. `apiKey`, `oauth2`.
    pub auth_type: String,
    pub config: Value,
    pub description: Option<String>,
    pub is_active: bool,
    pub workspace_id: Option<String>,
    pub is_shared: bool,
    pub metadata: Option<Value>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl CredentialInput {
    /// An active, unshared credential without description, workspace or expiry.
    pub fn new(
        name: impl Into<String>,
        r#type: impl Into<String>,
        auth_type: impl Into<String>,
        config: Value,
    ) -> Self {
        CredentialInput {
            name: name.into(),
            r#type: r#type.into(),
            auth_type: auth_type.into(),
            config,
            description: None,
            is_active: true,
            workspace_id: None,
            is_shared: false,
            metadata: None,
            expires_at: None,
        }
    }
}

/// A stored credential with its `config` decrypted. Its `Debug` hides the config.
#[derive(Clone, PartialEq)]
pub struct CredentialRecord {
    pub id: Uuid,
    pub name: String,
    pub r#type: String,
    pub auth_type: String,
    pub config: Value,
    pub description: Option<String>,
    pub is_active: bool,
    pub workspace_id: Option<String>,
    pub is_shared: bool,
    pub metadata: Option<Value>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for CredentialRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialRecord")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("type", &self.r#type)
            .field("auth_type", &self.auth_type)
            .field("config", &"<redacted>")
            .field("is_active", &self.is_active)
            .field("workspace_id", &self.workspace_id)
            .finish_non_exhaustive()
    }
}

/// Changes to a credential; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CredentialUpdate {
    pub name: Option<String>,
    /// A new config, encrypted again with a fresh nonce.
    pub config: Option<Value>,
    pub description: Option<Option<String>>,
    pub is_active: Option<bool>,
    pub workspace_id: Option<Option<String>>,
    pub is_shared: Option<bool>,
    pub metadata: Option<Option<Value>>,
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

/// Which credentials [`Credentials::list`] returns; `None` matches any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialFilter {
    pub r#type: Option<String>,
    pub workspace_id: Option<String>,
    pub is_active: Option<bool>,
}

/// The keys a builder was given; the environment fills in the rest when
/// credentials are used.
#[derive(Debug, Clone, Default)]
pub(crate) struct GivenKeys {
    pub key: Option<EncryptionKey>,
    pub previous: Vec<EncryptionKey>,
}

impl GivenKeys {
    /// The keys given, with `INVECT_ENCRYPTION_KEY` and
    /// `INVECT_PREVIOUS_ENCRYPTION_KEYS` for what was not.
    pub fn keyring(&self) -> Result<Keyring> {
        let env = Keyring::from_env()?;
        let mut ring = match self.key.clone().or_else(|| env.current().cloned()) {
            Some(k) => Keyring::new(k),
            None => Keyring::default(),
        };
        let previous = match self.previous.is_empty() {
            true => env.previous().to_vec(),
            false => self.previous.clone(),
        };
        ring = previous.into_iter().fold(ring, Keyring::with_previous);
        Ok(ring)
    }
}

/// The credentials API over one database and a set of keys.
#[derive(Debug, Clone)]
pub struct Credentials {
    db: Db,
    /// The keys, or why they could not be read (reported by each call, so a
    /// bad key variable troubles only the code that uses credentials).
    keys: std::result::Result<Keyring, (CredentialProblem, String)>,
}

impl Credentials {
    /// Credentials in `db`, encrypted with `keys`' current key.
    pub fn new(db: Db, keys: Keyring) -> Credentials {
        Credentials { db, keys: Ok(keys) }
    }

    /// Credentials in `db` with `keys` as read from the builder and the
    /// environment; a failure to read them is reported by each call.
    pub(crate) fn deferred(db: Db, keys: Result<Keyring>) -> Credentials {
        let keys = keys.map_err(|e| match e {
            Error::Credential {
                problem, message, ..
            } => (problem, message),
            other => (CredentialProblem::InvalidKey, other.to_string()),
        });
        Credentials { db, keys }
    }

    fn keys(&self) -> Result<&Keyring> {
        self.keys
            .as_ref()
            .map_err(|(problem, message)| credential_error(None, *problem, message.clone()))
    }

    /// Stores a new credential with its config encrypted.
    pub async fn create(&self, input: CredentialInput) -> Result<CredentialRecord> {
        let id = Uuid::new_v4();
        let config = envelope::seal(self.current_key(Some(&id))?, &id.to_string(), &input.config)?;
        let new = NewCredential {
            id: Some(id),
            name: input.name,
            r#type: input.r#type,
            auth_type: input.auth_type,
            config,
            description: input.description,
            is_active: Some(input.is_active),
            workspace_id: input.workspace_id,
            is_shared: Some(input.is_shared),
            metadata: input.metadata,
            last_used_at: None,
            expires_at: input.expires_at,
            created_at: None,
            updated_at: None,
        };
        let row = Credential::insert(&self.db, new).await?;
        self.decrypt(row)
    }

    /// The credential `id`, decrypted, if it exists.
    pub async fn get(&self, id: Uuid) -> Result<Option<CredentialRecord>> {
        Credential::find(&self.db, id)
            .await?
            .map(|row| self.decrypt(row))
            .transpose()
    }

    /// Every credential matching `filter`, by name, decrypted. A row that
    /// does not decrypt (not an envelope, a key that is not configured, an
    /// altered ciphertext) is reported in [`CredentialList::unreadable`]
    /// and the others are still returned; [`CredentialList::complete`]
    /// makes that an error. No configured key at all is an error.
    pub async fn list(&self, filter: CredentialFilter) -> Result<CredentialList> {
        let keys = self.reading_keys()?;
        let mut query = Credential::select().order_by(credentials::name.asc());
        if let Some(t) = filter.r#type {
            query = query.filter(credentials::r#type.eq(t));
        }
        if let Some(w) = filter.workspace_id {
            query = query.filter(credentials::workspace_id.eq(w));
        }
        if let Some(a) = filter.is_active {
            query = query.filter(credentials::is_active.eq(a));
        }
        let mut list = CredentialList::default();
        for row in query.all(&self.db).await? {
            match envelope::open(keys, &row.id.to_string(), &row.config) {
                Ok(config) => list.records.push(record(row, config)),
                Err(e) => list.unreadable.push(UnreadableCredential::of(&row, e)?),
            }
        }
        Ok(list)
    }

    /// Applies `changes` (a new config is encrypted again) and sets `updated_at`.
    pub async fn update(&self, id: Uuid, changes: CredentialUpdate) -> Result<CredentialRecord> {
        let mut update = Credential::update_where(credentials::id.eq(id))
            .set(credentials::updated_at, Utc::now());
        if let Some(config) = &changes.config {
            update = update.set(
                credentials::config,
                envelope::seal(self.current_key(Some(&id))?, &id.to_string(), config)?,
            );
        }
        if let Some(v) = changes.name {
            update = update.set(credentials::name, v);
        }
        if let Some(v) = changes.description {
            update = update.set(credentials::description, v);
        }
        if let Some(v) = changes.is_active {
            update = update.set(credentials::is_active, v);
        }
        if let Some(v) = changes.workspace_id {
            update = update.set(credentials::workspace_id, v);
        }
        if let Some(v) = changes.is_shared {
            update = update.set(credentials::is_shared, v);
        }
        if let Some(v) = changes.metadata {
            update = update.set(credentials::metadata, v);
        }
        if let Some(v) = changes.expires_at {
            update = update.set(credentials::expires_at, v);
        }
        if update.execute(&self.db).await? == 0 {
            return Err(not_found(id));
        }
        self.get(id).await?.ok_or_else(|| not_found(id))
    }

    /// Deletes the credential; whether it existed.
    pub async fn delete(&self, id: Uuid) -> Result<bool> {
        Ok(Credential::delete(&self.db, id).await? > 0)
    }

    /// Sets `last_used_at` to now; whether the credential exists.
    pub async fn mark_used(&self, id: Uuid) -> Result<bool> {
        let changed = Credential::update_where(credentials::id.eq(id))
            .set(credentials::last_used_at, Some(Utc::now()))
            .execute(&self.db)
            .await?;
        Ok(changed > 0)
    }

    fn current_key(&self, id: Option<&Uuid>) -> Result<&EncryptionKey> {
        self.keys()?.current().ok_or_else(|| {
            credential_error(
                id.map(|i| i.to_string()).as_deref(),
                CredentialProblem::NoKey,
                "no encryption key is configured; set INVECT_ENCRYPTION_KEY (make one with `invect-cli secret`) or pass one to the builder".into(),
            )
        })
    }

    /// The keys for reading; none at all is an error for the whole call.
    fn reading_keys(&self) -> Result<&Keyring> {
        let keys = self.keys()?;
        if keys.is_empty() {
            return Err(credential_error(
                None,
                CredentialProblem::NoKey,
                "no encryption key is configured; set INVECT_ENCRYPTION_KEY (or pass one to the builder)".into(),
            ));
        }
        Ok(keys)
    }

    fn decrypt(&self, row: Credential) -> Result<CredentialRecord> {
        let config = envelope::open(self.keys()?, &row.id.to_string(), &row.config)?;
        Ok(record(row, config))
    }
}

/// `row` with its decrypted `config`.
fn record(row: Credential, config: Value) -> CredentialRecord {
    CredentialRecord {
        id: row.id,
        name: row.name,
        r#type: row.r#type,
        auth_type: row.auth_type,
        config,
        description: row.description,
        is_active: row.is_active,
        workspace_id: row.workspace_id,
        is_shared: row.is_shared,
        metadata: row.metadata,
        last_used_at: row.last_used_at,
        expires_at: row.expires_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn not_found(id: Uuid) -> Error {
    credential_error(
        Some(&id.to_string()),
        CredentialProblem::NotFound,
        "no credential has this id".into(),
    )
}
