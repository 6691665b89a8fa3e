//! `secret`: a new key for `INVECT_ENCRYPTION_KEY`.

use invect_runtime::credentials::EncryptionKey;

use crate::failure::Outcome;
use crate::output::Out;

/// Prints a new key: standard, padded base64 of 32 random bytes.
pub fn run(out: &Out) -> Outcome {
    out.line(EncryptionKey::generate()?.to_base64());
    Ok(())
}
