//! Configuration: the [`DatabaseConfig`] a database is opened with, and the
//! [`InvectConfig`] of an `invect.toml` file.
//!
//! Both deserialize (serde, camelCase keys) from the shape the TypeScript
//! Invect uses, `{ "type": "postgresql", "connectionString": "...", "id": "main" }`.
//! Keys are camelCase only (`connectionString`, not `connection_string`), and
//! an unknown key is an error that names it.
//!
//! ```toml
//! # invect.toml
//! schemaVerification = "warn"     # off (default) | warn | strict
//! migrationsDir = "migrations"    # default "migrations"
//!
//! [database]
//! type = "sqlite"                 # sqlite | postgresql (or postgres) | mysql (or mariadb)
//! connectionString = "file:./dev.db"
//! id = "main"
//! tablePrefix = "invect_"         # optional, default none
//! ```
//!
//! Relative paths (`file:./dev.db`, `migrationsDir`) are relative to the
//! working directory of the process, not to the file.

use std::fmt;
use std::path::{Path, PathBuf};

use invect_schema::DialectKind;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Which database server a [`DatabaseConfig`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatabaseType {
    /// `"sqlite"`.
    Sqlite,
    /// `"postgresql"` (also accepted: `"postgres"`).
    #[serde(alias = "postgres")]
    Postgresql,
    /// `"mysql"` (also accepted: `"mariadb"`).
    #[serde(alias = "mariadb")]
    Mysql,
}

impl DatabaseType {
    /// The dialect this database speaks.
    pub fn dialect(self) -> DialectKind {
        match self {
            DatabaseType::Sqlite => DialectKind::Sqlite,
            DatabaseType::Postgresql => DialectKind::Postgres,
            DatabaseType::Mysql => DialectKind::Mysql,
        }
    }

    /// The value of `type` in a config file: `sqlite`, `postgresql` or `mysql`.
    pub fn as_str(self) -> &'static str {
        match self {
            DatabaseType::Sqlite => "sqlite",
            DatabaseType::Postgresql => "postgresql",
            DatabaseType::Mysql => "mysql",
        }
    }

    /// The server's name in messages: `SQLite`, `PostgreSQL`, `MySQL`.
    pub fn label(self) -> &'static str {
        match self {
            DatabaseType::Sqlite => "SQLite",
            DatabaseType::Postgresql => "PostgreSQL",
            DatabaseType::Mysql => "MySQL",
        }
    }
}

impl fmt::Display for DatabaseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<DatabaseType> for DialectKind {
    fn from(t: DatabaseType) -> DialectKind {
        t.dialect()
    }
}

/// One database: its type, connection string and id (the id names it in
/// every error message).
///
/// `Debug` shows the connection string with its password replaced by `***`.
///
/// ```
/// use invect_runtime::{DatabaseConfig, DatabaseType};
/// let config = DatabaseConfig {
///     r#type: DatabaseType::Postgresql,
///     connection_string: "postgres://app:hunter2@db.internal/app".into(),
///     id: "main".into(),
///     ..DatabaseConfig::default()
/// };
/// assert!(!format!("{config:?}").contains("hunter2"));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite`, `postgresql` or `mysql`; must agree with the connection string.
    pub r#type: DatabaseType,
    /// `file:./dev.db`, `file:/abs/path.db`, `sqlite://...`, `:memory:`,
    /// `postgresql://...` / `postgres://...` or `mysql://...`.
    pub connection_string: String,
    /// Names the database in error messages (`main`, say).
    pub id: String,
    /// Put in front of every Invect table name (`invect_`, say); empty for none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub table_prefix: String,
}

impl DatabaseConfig {
    /// A config without a table prefix.
    pub fn new(
        r#type: DatabaseType,
        connection_string: impl Into<String>,
        id: impl Into<String>,
    ) -> DatabaseConfig {
        DatabaseConfig {
            r#type,
            connection_string: connection_string.into(),
            id: id.into(),
            table_prefix: String::new(),
        }
    }

    /// This config with `prefix` in front of every Invect table name.
    pub fn with_table_prefix(mut self, prefix: impl Into<String>) -> DatabaseConfig {
        self.table_prefix = prefix.into();
        self
    }

    /// Parses the JSON shape of the TypeScript Invect, then [`validate`](Self::validate)s it.
    pub fn from_json_str(json: &str) -> Result<DatabaseConfig> {
        let config: DatabaseConfig = serde_json::from_str(json).map_err(|e| Error::ConfigFile {
            file: "<json>".into(),
            line: Some(e.line()).filter(|&l| l > 0),
            column: Some(e.column()).filter(|&c| c > 0),
            message: json_message(&e),
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what serde cannot: a usable id and table prefix.
    pub fn validate(&self) -> Result<()> {
        let bad = |message: String| Error::Config {
            id: shown_id(&self.id),
            message,
        };
        if self.id.trim().is_empty() {
            return Err(bad(
                "`id` is empty; give the database a name such as \"main\"".into(),
            ));
        }
        if self.id.len() > 64 || self.id.chars().any(char::is_control) {
            return Err(bad(
                "`id` must be at most 64 characters without control characters; use a short name such as \"main\"".into(),
            ));
        }
        let p = &self.table_prefix;
        let valid_prefix = p.is_empty()
            || (p.len() <= 32
                && p.starts_with(|c: char| c.is_ascii_lowercase())
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
        if !valid_prefix {
            return Err(bad(format!(
                "table prefix `{}` is not allowed; use up to 32 lower-case letters, digits and `_`, starting with a letter (e.g. \"invect_\")",
                shown(p)
            )));
        }
        Ok(())
    }
}

impl Default for DatabaseConfig {
    /// SQLite, no connection string yet, id `main`, no prefix: fill in the rest
    /// with struct-update syntax (`..DatabaseConfig::default()`).
    fn default() -> DatabaseConfig {
        DatabaseConfig::new(DatabaseType::Sqlite, "", "main")
    }
}

impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("type", &self.r#type)
            .field(
                "connection_string",
                &redact_connection_string(&self.connection_string),
            )
            .field("id", &self.id)
            .field("table_prefix", &self.table_prefix)
            .finish()
    }
}

/// How schema verification at startup reacts to drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SchemaVerification {
    /// Don't verify (the default).
    #[default]
    Off,
    /// Log what is missing or differs, and carry on.
    Warn,
    /// Return what is missing or differs as an error.
    Strict,
}

/// The contents of an `invect.toml` file (camelCase keys; an unknown key is
/// an error naming it). Relative paths are relative to the working directory.
///
/// ```toml
/// schemaVerification = "warn"     # off (default) | warn | strict
/// migrationsDir = "migrations"    # default "migrations"
///
/// [database]
/// type = "sqlite"                 # sqlite | postgresql (or postgres) | mysql (or mariadb)
/// connectionString = "file:./dev.db"
/// id = "main"
/// tablePrefix = "invect_"         # optional, default none
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InvectConfig {
    /// The `[database]` table.
    pub database: DatabaseConfig,
    /// `off` (default), `warn` or `strict`.
    #[serde(default)]
    pub schema_verification: SchemaVerification,
    /// Where migration files live; default `migrations`.
    #[serde(default = "default_migrations_dir")]
    pub migrations_dir: PathBuf,
}

fn default_migrations_dir() -> PathBuf {
    PathBuf::from("migrations")
}

impl InvectConfig {
    /// Parses TOML text; errors name `<toml>` as the file.
    pub fn from_toml_str(text: &str) -> Result<InvectConfig> {
        parse_toml(text, "<toml>")
    }

    /// Reads and parses the file at `path`; errors name the file, and for
    /// bad contents the line, the column and the key or value at fault.
    pub fn from_file(path: impl AsRef<Path>) -> Result<InvectConfig> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::ConfigFile {
            file: file.clone(),
            line: None,
            column: None,
            message: match e.kind() {
                std::io::ErrorKind::NotFound => {
                    "the file does not exist; create it or point to the right file".into()
                }
                std::io::ErrorKind::InvalidData => {
                    "the file is not UTF-8 text; save it as UTF-8".into()
                }
                _ => format!("cannot read the file ({e}); check that it exists and is readable"),
            },
        })?;
        parse_toml(&text, &file)
    }
}

fn parse_toml(text: &str, file: &str) -> Result<InvectConfig> {
    let config: InvectConfig = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = line_column(text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        let mut message = redact_text(e.message().trim());
        if message.starts_with("missing field") {
            message.push_str("; add it");
        } else if message.starts_with("unknown field") {
            message.push_str("; fix the key's spelling or remove it (keys are camelCase)");
        }
        if let Some(line) = line
            && let Some(content) = text.lines().nth(line - 1)
        {
            message.push_str(&format!(
                "\n  {line} | {}",
                shown(&redact_text(content.trim_end()))
            ));
        }
        Error::ConfigFile {
            file: file.to_string(),
            line,
            column,
            message,
        }
    })?;
    config.database.validate()?;
    Ok(config)
}

fn json_message(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the error carries those separately.
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    redact_text(&text)
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// `s` for a message: control characters escaped, at most 200 characters.
pub(crate) fn shown(s: &str) -> String {
    const MAX: usize = 200;
    let mut out: String = s.chars().take(MAX).flat_map(char::escape_debug).collect();
    // escape_debug also escapes quotes; they are fine in messages.
    out = out.replace("\\\"", "\"").replace("\\'", "'");
    if s.chars().count() > MAX {
        out.push('…');
    }
    out
}

/// An id for a message: shown safely, `(no id)` when empty.
pub(crate) fn shown_id(id: &str) -> String {
    if id.trim().is_empty() {
        "(no id)".into()
    } else {
        shown(id)
    }
}

/// Query parameters whose value is a secret.
const SECRET_PARAMS: [&str; 4] = ["password", "pass", "pwd", "sslpassword"];

/// `url` with the password of its `user:password@` part, and the value of
/// any `password=` parameter, replaced by `***`. Anything that might be a
/// password is hidden, even in strings that do not parse as URLs.
///
/// ```
/// use invect_runtime::redact_connection_string;
/// assert_eq!(
///     redact_connection_string("postgres://app:hunter2@db:5432/app"),
///     "postgres://app:***@db:5432/app"
/// );
/// ```
pub fn redact_connection_string(url: &str) -> String {
    // Without `://` (`postgresql:user:pw@host`, `user:pw@host`), everything
    // from the first `:` to the `@` is hidden.
    let (scheme, rest) = url.split_at(url.find("://").map_or(0, |i| i + 3));
    // The userinfo ends at the last `@` before the query; failing that (a
    // password with an unescaped `?`), at the last `@` of all.
    let query_at = rest.find(['?', '#']).unwrap_or(rest.len());
    let at = rest[..query_at].rfind('@').or_else(|| rest.rfind('@'));
    let rest = match (at, rest.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!("{}:***{}", &rest[..colon], &rest[at..])
        }
        _ => rest.to_string(),
    };
    format!("{scheme}{}", redact_query_part(&rest))
}

/// `s` with the secret parameters of its query (after `?` or `#`) masked.
fn redact_query_part(s: &str) -> String {
    match s.find(['?', '#']) {
        Some(q) => format!("{}{}", &s[..q], redact_params(&s[q..])),
        None => s.to_string(),
    }
}

/// `query` (`?a=b&password=c`) with secret parameter values masked.
fn redact_params(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while !rest.is_empty() {
        let end = rest[1..]
            .find(['&', ';', '#'])
            .map_or(rest.len(), |i| i + 1);
        let (pair, next) = rest.split_at(end);
        out.push_str(&mask_param(pair));
        rest = next;
    }
    out
}

/// `?key=value` or `&key=value`: the value masked when the key is secret.
fn mask_param(pair: &str) -> String {
    let Some(eq) = pair.find('=') else {
        return pair.to_string();
    };
    let key = pair[..eq].trim_start_matches(['?', '&', ';', '#', ' ']);
    if SECRET_PARAMS.iter().any(|s| key.eq_ignore_ascii_case(s)) {
        format!("{}=***", &pair[..eq])
    } else {
        pair.to_string()
    }
}

/// Free text (an error message, a line of a file) with the password of every
/// URL in it, and every `password=` value, replaced by `***`.
pub(crate) fn redact_text(text: &str) -> String {
    let stop = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (before, after) = rest.split_at(i + 3);
        out.push_str(before);
        let end = after.find(stop).unwrap_or(after.len());
        out.push_str(&redact_connection_string(&format!("x://{}", &after[..end]))[4..]);
        rest = &after[end..];
    }
    out.push_str(rest);
    mask_words(&out)
}

/// `password=value` / `password: value` anywhere in `text`, value masked.
fn mask_words(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = lower[search..].find("password") {
        let key_end = search + found + "password".len();
        let after = &text[key_end..];
        let sep = after.len() - after.trim_start_matches([' ', '=', ':']).len();
        if sep == 0 || !after[..sep].contains(['=', ':']) {
            search = key_end;
            continue;
        }
        let value_start = key_end + sep;
        let value = &text[value_start..];
        let value_len = value
            .find(|c: char| c.is_whitespace() || matches!(c, '&' | ';' | ',' | ')'))
            .unwrap_or(value.len());
        let value = &value[..value_len];
        // MySQL's "(using password: YES)" says whether one was sent, not what it is.
        if value_len > 0 && !matches!(value, "***" | "YES" | "NO") {
            out.push_str(&text[copied..value_start]);
            out.push_str("***");
            copied = value_start + value_len;
        }
        search = value_start + value_len;
    }
    out.push_str(&text[copied..]);
    out
}

/// The password of `user:password@` and of `password=` parameters, as
/// written and percent-decoded: masked in driver messages.
pub(crate) fn secrets_of(s: &str) -> Vec<String> {
    let mut found = Vec::new();
    let rest = &s[s.find("://").map_or(0, |i| i + 3)..];
    let query_at = rest.find(['?', '#']).unwrap_or(rest.len());
    let at = rest[..query_at].rfind('@').or_else(|| rest.rfind('@'));
    if let (Some(at), Some(colon)) = (at, rest.find(':'))
        && colon < at
    {
        let userinfo = &rest[colon + 1..at];
        found.push(userinfo.to_string());
        // `scheme:user:password@` without `//`: the part after the last `:` too.
        if let Some((_, last)) = userinfo.rsplit_once(':') {
            found.push(last.to_string());
        }
    }
    if let Some(q) = s.find('?') {
        for pair in s[q + 1..].split(['&', ';']) {
            if let Some((key, value)) = pair.split_once('=')
                && SECRET_PARAMS
                    .iter()
                    .any(|k| key.trim().eq_ignore_ascii_case(k))
            {
                found.push(value.to_string());
            }
        }
    }
    let decoded: Vec<String> = found.iter().map(|p| percent_decode(p)).collect();
    found.extend(decoded);
    found.retain(|p| !p.is_empty());
    // Longest first, so a secret containing another is masked whole.
    found.sort_by_key(|p| std::cmp::Reverse(p.len()));
    found.dedup();
    found
}

/// `text` with every occurrence of each secret (as written and
/// percent-decoded) replaced by `***`.
pub(crate) fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = if secret.chars().count() < SHORT_SECRET {
            replace_whole_words(&out, secret)
        } else {
            out.replace(secret.as_str(), "***")
        };
    }
    out
}

/// Secrets shorter than this are masked only where they stand alone: a
/// one-letter password must not turn "address" into "addre***s".
const SHORT_SECRET: usize = 4;

/// `text` with every occurrence of `word` that is not part of a longer
/// alphanumeric run replaced by `***`.
fn replace_whole_words(text: &str, word: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut prev: Option<char> = None;
    while let Some(i) = rest.find(word) {
        let before = rest[..i]
            .chars()
            .next_back()
            .or(if i == 0 { prev } else { None });
        let after = rest[i + word.len()..].chars().next();
        let alone =
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric);
        out.push_str(&rest[..i]);
        out.push_str(if alone { "***" } else { word });
        prev = word.chars().next_back();
        rest = &rest[i + word.len()..];
    }
    out.push_str(rest);
    out
}

/// `%XX` sequences decoded (invalid ones kept as written), lossy UTF-8.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `, line L, column C` (or `, line L`, or nothing) for an error message.
pub(crate) fn position(line: &Option<usize>, column: &Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(", line {l}, column {c}"),
        (Some(l), None) => format!(", line {l}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn short_secrets_are_masked_only_where_they_stand_alone() {
        let secrets = vec!["p".to_string()];
        assert_eq!(
            scrub("failed to lookup address", &secrets),
            "failed to lookup address"
        );
        assert_eq!(scrub("user:p@host p", &secrets), "user:***@host ***");
        assert_eq!(
            scrub("hunter2 hunter22", &["hunter2".to_string()]),
            "*** ***2"
        );
    }
}
