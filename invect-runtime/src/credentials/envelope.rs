//! The versioned envelope stored in `credentials.config`:
//! `{"v":1,"alg":"A256GCM","kid":"…","nonce":"…","ct":"…"}`, where `ct` is
//! the AES-256-GCM ciphertext (with its tag) of the JSON config, bound to the
//! credential id as associated data so that it cannot be moved to another row.

use aes_gcm::Nonce;
use aes_gcm::aead::{Aead, Payload};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::key::{EncryptionKey, Keyring};
use super::{CredentialProblem, credential_error};
use crate::error::Result;

const VERSION: u32 = 1;
const ALGORITHM: &str = "A256GCM";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    v: u32,
    alg: String,
    kid: String,
    nonce: String,
    ct: String,
}

/// The associated data: the credential id, so a ciphertext only opens in its own row.
fn aad(id: &str) -> Vec<u8> {
    format!("invect credential {id}").into_bytes()
}

/// Encrypts `config` for the credential `id` under `key`, with a fresh nonce.
pub(crate) fn seal(key: &EncryptionKey, id: &str, config: &Value) -> Result<Value> {
    let fail = |problem, message: String| credential_error(Some(id), problem, message);
    let plain = serde_json::to_vec(config).map_err(|e| {
        fail(
            CredentialProblem::Malformed,
            format!("config cannot be written as JSON: {e}"),
        )
    })?;
    let mut nonce = [0u8; 12];
    getrandom::fill(&mut nonce).map_err(|e| {
        fail(
            CredentialProblem::InvalidKey,
            format!("the system random generator failed: {e}"),
        )
    })?;
    let aad = aad(id);
    let ct = key
        .cipher()
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: &plain,
                aad: &aad,
            },
        )
        .map_err(|_| {
            fail(
                CredentialProblem::Malformed,
                "config is too large to encrypt".into(),
            )
        })?;
    let envelope = Envelope {
        v: VERSION,
        alg: ALGORITHM.into(),
        kid: key.id().into(),
        nonce: STANDARD.encode(nonce),
        ct: STANDARD.encode(ct),
    };
    serde_json::to_value(envelope).map_err(|e| fail(CredentialProblem::Malformed, e.to_string()))
}

/// The id of the key `stored` was sealed with.
pub(crate) fn key_id_of(id: &str, stored: &Value) -> Result<String> {
    Ok(parse(id, stored)?.kid)
}

/// Decrypts the envelope `stored` of the credential `id` with whichever key
/// of `keys` sealed it.
pub(crate) fn open(keys: &Keyring, id: &str, stored: &Value) -> Result<Value> {
    let fail = |problem, message: String| credential_error(Some(id), problem, message);
    let envelope = parse(id, stored)?;
    if keys.is_empty() {
        return Err(fail(
            CredentialProblem::NoKey,
            "no encryption key is configured; set INVECT_ENCRYPTION_KEY (or pass one to the builder)".into(),
        ));
    }
    let key = keys.by_id(&envelope.kid).ok_or_else(|| {
        fail(
            CredentialProblem::WrongKey,
            format!(
                "was encrypted with key `{}`, which is not configured (current key: `{}`); set INVECT_ENCRYPTION_KEY to that key, or list it in INVECT_PREVIOUS_ENCRYPTION_KEYS",
                envelope.kid,
                keys.current().map_or("none", |k| k.id())
            ),
        )
    })?;
    let nonce: [u8; 12] = decode(id, "nonce", &envelope.nonce)?
        .try_into()
        .map_err(|_| {
            fail(
                CredentialProblem::Tampered,
                "the stored nonce is not 12 bytes; the row was altered".into(),
            )
        })?;
    let ct = decode(id, "ct", &envelope.ct)?;
    let aad = aad(id);
    let plain = key.cipher().decrypt(&Nonce::from(nonce), Payload { msg: &ct, aad: &aad }).map_err(|_| {
        fail(
            CredentialProblem::Tampered,
            "the stored ciphertext does not authenticate: it was altered, truncated, or copied from another credential; restore it from a backup or set the config again".into(),
        )
    })?;
    serde_json::from_slice(&plain).map_err(|e| {
        fail(
            CredentialProblem::Malformed,
            format!("decrypted config is not JSON: {e}"),
        )
    })
}

fn parse(id: &str, stored: &Value) -> Result<Envelope> {
    let envelope: Envelope = serde_json::from_value(stored.clone()).map_err(|_| {
        credential_error(
            Some(id),
            CredentialProblem::Malformed,
            format!(
                "`config` is not an Invect encryption envelope but {}; was it written without the credentials API? Set the config again through the credentials API",
                shape(stored)
            ),
        )
    })?;
    if envelope.v != VERSION || envelope.alg != ALGORITHM {
        return Err(credential_error(
            Some(id),
            CredentialProblem::Malformed,
            format!(
                "envelope version {} / algorithm `{}` is not supported (expected {VERSION} / {ALGORITHM}); upgrade Invect",
                envelope.v, envelope.alg
            ),
        ));
    }
    Ok(envelope)
}

/// What `stored` is, in words, without any of its values: a row that is not
/// an envelope may hold a secret in plain text (serde's own message would
/// quote it).
fn shape(stored: &Value) -> &'static str {
    match stored {
        Value::Object(_) => {
            "an object without exactly the fields `v` (a number), `alg`, `kid`, `nonce` and `ct` (strings)"
        }
        Value::String(_) => "a JSON string",
        Value::Array(_) => "a JSON array",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
    }
}

fn decode(id: &str, field: &str, text: &str) -> Result<Vec<u8>> {
    STANDARD.decode(text).map_err(|_| {
        credential_error(
            Some(id),
            CredentialProblem::Tampered,
            format!("the envelope's `{field}` is not base64; the row was altered"),
        )
    })
}
