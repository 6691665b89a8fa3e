//! The TLS parameters of a server URL that Invect reads itself (sqlx reads
//! them all): the files they name are checked readable before connecting,
//! so a wrong path reads as such, not as sqlx's I/O error of a server that
//! cannot be reached.

use super::failure::Ctx;
use crate::error::{ConnectProblem, Result};
use crate::redact::{percent_decode, shown};

/// The value of the first of `keys` in `url`'s query, percent-decoded.
pub(super) fn param(url: &str, keys: &[&str]) -> Option<String> {
    let (_, query) = url.split_once('?')?;
    let query = query.split('#').next().unwrap_or(query);
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| keys.iter().any(|key| k.eq_ignore_ascii_case(key)))
        .map(|(_, v)| percent_decode(&v.replace('+', " ")))
}

/// Checks that each file named by a parameter in `files` (the dialect's
/// parameter names of CA, client certificate and key files) can be read.
pub(super) fn check_files(ctx: &Ctx, url: &str, files: &[&[&str]]) -> Result<()> {
    for keys in files {
        let Some(path) = param(url, keys) else {
            continue;
        };
        if let Err(e) = std::fs::File::open(&path) {
            return Err(ctx.fail(
                ConnectProblem::Tls,
                format!(
                    "the file `{}` of `{}=` in `{}` cannot be read ({}); fix the path (a relative path is relative to the working directory)",
                    shown(&path),
                    keys[0],
                    ctx.url,
                    ctx.text(&e)
                ),
            ));
        }
    }
    Ok(())
}
