//! Encryption keys: 32 random bytes, written as base64, each with a short id
//! stored in every envelope so that a reader knows which key to use.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{CredentialProblem, credential_error};
use crate::error::Result;

/// The environment variable holding the current key (base64 of 32 bytes).
pub const ENCRYPTION_KEY_VAR: &str = "INVECT_ENCRYPTION_KEY";
/// The environment variable holding older keys, comma-separated, that can
/// still decrypt during a rotation window.
pub const PREVIOUS_KEYS_VAR: &str = "INVECT_PREVIOUS_ENCRYPTION_KEYS";

/// An AES-256 key. Its `Debug` shows only the key id.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptionKey {
    bytes: [u8; 32],
    id: String,
}

impl EncryptionKey {
    /// A new random key (what `invect-cli secret` prints).
    pub fn generate() -> Result<EncryptionKey> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| {
            credential_error(
                None,
                CredentialProblem::InvalidKey,
                format!("the system random generator failed: {e}"),
            )
        })?;
        Ok(EncryptionKey::from_bytes(bytes))
    }

    /// Reads a key written as base64 (standard alphabet, padded or not) of exactly 32 bytes.
    ///
    /// ```
    /// use invect_runtime::credentials::EncryptionKey;
    /// let key = EncryptionKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?;
    /// assert_eq!(key.to_base64(), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    /// assert!(EncryptionKey::from_base64("c2hvcnQ=").is_err());
    /// # Ok::<(), invect_runtime::Error>(())
    /// ```
    pub fn from_base64(text: &str) -> Result<EncryptionKey> {
        let text = text.trim();
        let invalid = |what: String| {
            credential_error(
                None,
                CredentialProblem::InvalidKey,
                format!(
                    "the encryption key {what}; it must be base64 of exactly 32 bytes: make one with `invect-cli secret`"
                ),
            )
        };
        if text.is_empty() {
            return Err(invalid("is empty".into()));
        }
        let bytes = STANDARD
            .decode(text)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
            .map_err(|_| invalid("is not valid base64".into()))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| invalid(format!("decodes to {} bytes", b.len())))?;
        Ok(EncryptionKey::from_bytes(bytes))
    }

    /// The key as raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> EncryptionKey {
        let id = key_id(&bytes);
        EncryptionKey { bytes, id }
    }

    /// The key as base64, for `INVECT_ENCRYPTION_KEY`.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.bytes)
    }

    /// A short public id of the key (8 hex digits), stored in envelopes.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&self.bytes.into())
    }
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptionKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The key's id: the first four bytes of the GCM tag over a fixed label with
/// an all-zero nonce, a key check value that reveals nothing about the key.
fn key_id(bytes: &[u8; 32]) -> String {
    let cipher = Aes256Gcm::new(&(*bytes).into());
    let nonce = Nonce::from([0u8; 12]);
    let payload = Payload {
        msg: b"",
        aad: b"invect key id v1",
    };
    let tag = cipher.encrypt(&nonce, payload).unwrap_or_default();
    tag.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// The current key, which encrypts, and older keys that may still decrypt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keyring {
    current: Option<EncryptionKey>,
    previous: Vec<EncryptionKey>,
}

impl Keyring {
    /// A keyring that encrypts with `key`.
    pub fn new(key: EncryptionKey) -> Keyring {
        Keyring {
            current: Some(key),
            previous: Vec::new(),
        }
    }

    /// Adds an older key that may still decrypt (a rotation window).
    pub fn with_previous(mut self, key: EncryptionKey) -> Keyring {
        self.previous.push(key);
        self
    }

    /// `INVECT_ENCRYPTION_KEY` and `INVECT_PREVIOUS_ENCRYPTION_KEYS`; an
    /// unset current key gives an empty keyring (errors come on first use).
    pub fn from_env() -> Result<Keyring> {
        let mut ring = Keyring::default();
        if let Some(text) = env_var(ENCRYPTION_KEY_VAR) {
            ring.current =
                Some(EncryptionKey::from_base64(&text).map_err(|e| in_var(e, ENCRYPTION_KEY_VAR))?);
        }
        for part in env_var(PREVIOUS_KEYS_VAR).iter().flat_map(|v| v.split(',')) {
            if !part.trim().is_empty() {
                ring.previous.push(
                    EncryptionKey::from_base64(part).map_err(|e| in_var(e, PREVIOUS_KEYS_VAR))?,
                );
            }
        }
        Ok(ring)
    }

    /// The key that encrypts, if one is configured.
    pub fn current(&self) -> Option<&EncryptionKey> {
        self.current.as_ref()
    }

    /// The older keys that may still decrypt.
    pub fn previous(&self) -> &[EncryptionKey] {
        &self.previous
    }

    /// The key whose id is `id`, current or previous.
    pub fn by_id(&self, id: &str) -> Option<&EncryptionKey> {
        self.current
            .iter()
            .chain(&self.previous)
            .find(|k| k.id() == id)
    }

    /// Whether no key at all is configured.
    pub fn is_empty(&self) -> bool {
        self.current.is_none() && self.previous.is_empty()
    }
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Says which variable held a bad key.
fn in_var(e: crate::Error, var: &str) -> crate::Error {
    match e {
        crate::Error::Credential {
            id,
            problem,
            message,
        } => crate::Error::Credential {
            id,
            problem,
            message: format!("{var}: {message}"),
        },
        other => other,
    }
}
