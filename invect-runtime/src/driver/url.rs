//! Reading a connection string, once, into the [`Target`] it opens; every
//! caller (connecting, `Db::connect(url)`, the CLI's read-only commands) goes
//! through [`Target::parse`].
//!
//! - SQLite: `file:./dev.db` (relative to the working directory), `file:/abs/path.db`,
//!   `sqlite://./dev.db`, `sqlite:///abs/path.db`, `sqlite:dev.db`, `:memory:`
//!   (also `sqlite::memory:`). A missing file and its folder are created
//!   unless the query says `mode=ro` or `mode=rw`.
//! - PostgreSQL: `postgresql://...` or `postgres://...`.
//! - MySQL/MariaDB: `mysql://...` (also `mariadb://...`).

use std::path::{Component, Path, PathBuf};

use super::failure::Ctx;
use crate::config::{DatabaseConfig, DatabaseType};
use crate::error::{ConnectProblem, Result};
use crate::redact::{percent_decode, shown};

/// What a connection string opens.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub r#type: DatabaseType,
    pub location: Location<'a>,
}

/// Where the database of a [`Target`] is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Location<'a> {
    /// A SQLite database in memory (`query`: what follows `?`).
    Memory { query: Option<&'a str> },
    /// A SQLite file, its path as written.
    File {
        path: &'a str,
        query: Option<&'a str>,
    },
    /// A server; its URL is the whole connection string.
    Server { url: &'a str },
}

const KNOWN_SCHEMES: &str = "file:, sqlite:, :memory:, postgresql://, postgres:// or mysql://";

impl<'a> Target<'a> {
    /// Reads `s` (already trimmed); `ctx` words the failures.
    pub(crate) fn parse(ctx: &Ctx, s: &'a str) -> Result<Target<'a>> {
        if s.is_empty() {
            return Err(ctx.fail(
                ConnectProblem::Malformed,
                "the connection string is empty; set it to e.g. `file:./dev.db`, `postgresql://user:password@host/database` or `mysql://user:password@host/database`",
            ));
        }
        // ASCII lower-casing keeps byte offsets, so `lower`'s indices work on `s`.
        let lower = s.to_ascii_lowercase();
        if lower == ":memory:" || lower.starts_with(":memory:?") {
            let query = s.split_once('?').map(|(_, q)| q);
            return Ok(Target::sqlite(Location::Memory { query }));
        }
        for prefix in ["sqlite:", "file:"] {
            if lower.starts_with(prefix) {
                return sqlite_location(ctx, &s[prefix.len()..]).map(Target::sqlite);
            }
        }
        let server = |r#type| Target {
            r#type,
            location: Location::Server { url: s },
        };
        if lower.starts_with("postgresql://") || lower.starts_with("postgres://") {
            return Ok(server(DatabaseType::Postgresql));
        }
        if lower.starts_with("mysql://") || lower.starts_with("mariadb://") {
            return Ok(server(DatabaseType::Mysql));
        }
        Err(unknown_scheme(ctx, &lower))
    }

    fn sqlite(location: Location<'a>) -> Target<'a> {
        Target {
            r#type: DatabaseType::Sqlite,
            location,
        }
    }

    /// The SQLite file this opens, resolved against the working directory
    /// (`None` for `:memory:` and servers).
    pub(crate) fn sqlite_file(&self) -> Option<PathBuf> {
        match self.location {
            Location::File { path, .. } => std::path::absolute(percent_decode(path)).ok(),
            _ => None,
        }
    }
}

/// Why `lower` (a lower-cased connection string) names no known scheme.
fn unknown_scheme(ctx: &Ctx, lower: &str) -> crate::error::Error {
    let scheme = lower
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|sc| {
            !sc.is_empty()
                && sc.starts_with(|c: char| c.is_ascii_alphabetic())
                && sc
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
    match scheme {
        Some(sc @ ("postgresql" | "postgres" | "mysql" | "mariadb")) => ctx.fail(
            ConnectProblem::Malformed,
            format!(
                "the connection string `{}` lacks the `//` after `{sc}:`; write it as {sc}://user:password@host/database",
                ctx.url
            ),
        ),
        Some(sc) => ctx.fail(
            ConnectProblem::UnknownScheme,
            format!(
                "the connection string `{}` has an unknown scheme `{}`; use {KNOWN_SCHEMES}",
                ctx.url,
                shown(sc)
            ),
        ),
        None => ctx.fail(
            ConnectProblem::Malformed,
            format!(
                "the connection string `{}` has no scheme; write file:<path> for a SQLite file, or use {KNOWN_SCHEMES}",
                ctx.url
            ),
        ),
    }
}

/// `rest` is what follows `sqlite:` or `file:`: `//path`, `path` or `:memory:`, then `?query`.
fn sqlite_location<'a>(ctx: &Ctx, rest: &'a str) -> Result<Location<'a>> {
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let path = path.strip_prefix("//").unwrap_or(path);
    let memory_mode = query.is_some_and(|q| query_value(q, "mode") == Some("memory"));
    // `mode=memory` with a name is still one private database per pool.
    if path == ":memory:" || memory_mode {
        return Ok(Location::Memory { query });
    }
    if path.is_empty() {
        return Err(ctx.fail(
            ConnectProblem::Malformed,
            format!(
                "the connection string `{}` names no SQLite file; write e.g. file:./dev.db, or :memory: for a database in memory",
                ctx.url
            ),
        ));
    }
    Ok(Location::File { path, query })
}

/// The value of `key` in a `a=b&c=d` query.
pub(crate) fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

impl DatabaseConfig {
    /// The config for connection string `url`, its type read from the
    /// string; `id` names the database in messages. Nothing is opened.
    pub fn from_url(url: &str, id: &str) -> Result<DatabaseConfig> {
        let ctx = Ctx::new(id, url);
        let r#type = Target::parse(&ctx, url.trim())?.r#type;
        Ok(DatabaseConfig::new(r#type, url, id))
    }

    /// The SQLite file this config opens, resolved against the working
    /// directory; `None` for `:memory:`, a server, or a string that does not
    /// parse (connecting reports that): read-only commands check it exists
    /// rather than create it.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        let ctx = Ctx::new(&self.id, &self.connection_string);
        Target::parse(&ctx, self.connection_string.trim())
            .ok()?
            .sqlite_file()
    }

    /// This config with a relative SQLite file path taken as relative to
    /// `dir` (the folder of the `invect.toml` that names it) rather than to
    /// the working directory; any other connection string is kept as it is.
    pub fn with_sqlite_base(mut self, dir: &Path) -> DatabaseConfig {
        let ctx = Ctx::new(&self.id, &self.connection_string);
        let Ok(Target {
            location: Location::File { path, query },
            ..
        }) = Target::parse(&ctx, self.connection_string.trim())
        else {
            return self;
        };
        let decoded = percent_decode(path);
        let relative = Path::new(&decoded);
        if relative.is_absolute() || dir.as_os_str().is_empty() {
            return self;
        }
        let tail: PathBuf = relative
            .components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect();
        let joined = dir
            .join(tail)
            .to_string_lossy()
            .replace('%', "%25")
            .replace('?', "%3F");
        let query = query.map(|q| format!("?{q}")).unwrap_or_default();
        self.connection_string = format!("file:{joined}{query}");
        self
    }
}
