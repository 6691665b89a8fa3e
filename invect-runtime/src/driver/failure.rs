//! Connection failures in words: each names the database id, says what went
//! wrong and what to do, with every password replaced by `***`.

use std::time::Duration;

use super::driver;
use crate::config::DatabaseType;
use crate::error::{ConnectProblem, Error, Result};
use crate::redact::{redact_connection_string, redact_text, scrub, secrets_of, shown, shown_id};

/// How long opening a connection to PostgreSQL or MySQL may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What failure messages need: the id, and the connection string redacted.
pub(crate) struct Ctx {
    id: String,
    pub url: String,
    secrets: Vec<String>,
}

impl Ctx {
    pub(crate) fn new(id: &str, connection_string: &str) -> Ctx {
        Ctx {
            id: shown_id(id),
            url: shown(&redact_connection_string(connection_string.trim())),
            secrets: secrets_of(connection_string),
        }
    }

    /// The database id, as messages show it.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn fail(&self, problem: ConnectProblem, message: impl Into<String>) -> Error {
        Error::Connect {
            id: self.id.clone(),
            problem,
            message: message.into(),
        }
    }

    /// A driver's message, safe to show: URLs and known secrets masked.
    pub(crate) fn text(&self, e: &dyn std::fmt::Display) -> String {
        shown(&scrub(&redact_text(&e.to_string()), &self.secrets))
    }

    /// The connection string could not be parsed as a `kind` URL.
    pub(crate) fn malformed(&self, kind: DatabaseType, e: &sqlx::Error) -> Error {
        let reason = match e {
            sqlx::Error::Configuration(inner) => self.text(inner),
            other => self.text(other),
        };
        let example = match kind {
            DatabaseType::Postgresql => "postgresql://user:password@host:5432/database",
            DatabaseType::Mysql => "mysql://user:password@host:3306/database",
            DatabaseType::Sqlite => "file:./dev.db",
        };
        self.fail(
            ConnectProblem::Malformed,
            format!(
                "the connection string `{}` is not a valid {} URL ({reason}); write it as {example}",
                self.url,
                kind.label()
            ),
        )
    }
}

/// The driver's message without sqlx's "error returned from database: " prefix.
pub(crate) fn driver_detail(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

/// Where a server is, and as whom we log in, for messages.
#[derive(Debug, Clone)]
pub(crate) struct Server {
    pub r#type: DatabaseType,
    pub address: String,
    pub user: String,
    pub database: Option<String>,
}

/// Runs one connection attempt, bounded by [`CONNECT_TIMEOUT`].
pub(crate) async fn probe<C>(
    ctx: &Ctx,
    server: &Server,
    attempt: impl Future<Output = std::result::Result<C, sqlx::Error>>,
) -> Result<C> {
    match tokio::time::timeout(CONNECT_TIMEOUT, attempt).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(server_error(ctx, server, e)),
        Err(_) => Err(server_error(ctx, server, sqlx::Error::PoolTimedOut)),
    }
}

/// A PostgreSQL or MySQL connection failure, in words.
pub(crate) fn server_error(ctx: &Ctx, server: &Server, e: sqlx::Error) -> Error {
    use ConnectProblem::*;
    let label = server.r#type.label();
    let at = format!("the {label} server at {}", shown(&server.address));
    let url = &ctx.url;
    let detail = ctx.text(&driver_detail(&e));
    let (problem, message) = match &e {
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => (
            Unreachable,
            format!(
                "cannot connect to {at}: connection refused; start the server, or fix the host and port in `{url}`"
            ),
        ),
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => (
            Timeout,
            format!(
                "{at} did not answer within {} s ({detail}); check the host and port in `{url}`, that the server is running, and that no firewall drops the connection",
                CONNECT_TIMEOUT.as_secs()
            ),
        ),
        sqlx::Error::Io(io) if tls_failure(io).is_some() => (
            Tls,
            format!(
                "TLS with {at} failed ({detail}); {}",
                tls_advice(server.r#type, tls_failure(io), url)
            ),
        ),
        sqlx::Error::Io(_) => (
            Unreachable,
            format!(
                "cannot reach {at} ({detail}); check the host and port in `{url}` and that the server is running"
            ),
        ),
        // Something answers there, but not in the server's protocol (a web
        // server or a proxy on that port, say).
        sqlx::Error::Protocol(_) => (
            Unreachable,
            format!(
                "cannot connect to {at}: what answers there does not speak the {label} protocol ({detail}); check the host and port in `{url}`"
            ),
        ),
        sqlx::Error::PoolTimedOut => (
            Timeout,
            format!(
                "{at} did not answer within {} s; check the host and port in `{url}`, that the server is running, and that no firewall drops the connection",
                CONNECT_TIMEOUT.as_secs()
            ),
        ),
        sqlx::Error::Tls(_) => (
            Tls,
            format!(
                "TLS with {at} failed ({detail}); check the server's certificate and the sslmode / ssl-mode of `{url}`"
            ),
        ),
        sqlx::Error::Configuration(c) if c.to_string().contains("RSA auth backend disabled") => (
            Tls,
            format!(
                "{at} wants the password of user `{}` encrypted with RSA (MySQL 8's caching_sha2_password without TLS), which this build leaves out; connect with TLS (drop ssl-mode=DISABLED from `{url}`, or turn TLS on on the server), or build invect-runtime with its `mysql-rsa` feature",
                shown(&server.user)
            ),
        ),
        sqlx::Error::Configuration(_) => return ctx.malformed(server.r#type, &e),
        sqlx::Error::Database(db) => {
            match driver(server.r#type.dialect()).connect_problem(db.as_ref()) {
                Some(LoginRefused) => (
                    LoginRefused,
                    format!(
                        "{at} refused the login of user `{}` ({detail}); check the user name and password in `{url}`",
                        shown(&server.user)
                    ),
                ),
                Some(MissingDatabase) => {
                    let name = server.database.as_deref().unwrap_or("?");
                    let quoted = server.r#type.dialect().dialect().quote(name);
                    (
                        MissingDatabase,
                        format!(
                            "database `{}` does not exist on {at}; create it (CREATE DATABASE {}) or fix the database name in `{url}`",
                            shown(name),
                            shown(&quoted)
                        ),
                    )
                }
                _ => (
                    Other,
                    format!("{at} refused the connection ({detail}); connection string `{url}`"),
                ),
            }
        }
        _ => (
            Other,
            format!("cannot connect to {at} ({detail}); connection string `{url}`"),
        ),
    };
    ctx.fail(problem, message)
}

/// The rustls error inside an I/O error: sqlx reports a failed TLS
/// handshake (an unknown CA, a certificate for another host) as I/O.
fn tls_failure(io: &std::io::Error) -> Option<&rustls::Error> {
    io.get_ref()?.downcast_ref::<rustls::Error>()
}

/// What to do about a failed TLS handshake, in the URL parameters of `kind`.
fn tls_advice(kind: DatabaseType, e: Option<&rustls::Error>, url: &str) -> String {
    use rustls::CertificateError::{NotValidForName, NotValidForNameContext, UnknownIssuer};
    let (ca, verify_ca) = match kind {
        DatabaseType::Mysql => ("ssl-ca", "ssl-mode=VERIFY_CA"),
        _ => ("sslrootcert", "sslmode=verify-ca"),
    };
    match e {
        Some(rustls::Error::InvalidCertificate(UnknownIssuer)) => format!(
            "the server's certificate is not signed by the CA file of `{ca}=` nor by a public CA; point `{ca}=` in `{url}` at the CA that signed it"
        ),
        Some(rustls::Error::InvalidCertificate(
            NotValidForName | NotValidForNameContext { .. },
        )) => format!(
            "the server's certificate is not issued for the host in `{url}`; connect with a host name it is issued for, or use {verify_ca} to check the CA only"
        ),
        _ => format!(
            "check the server's certificate, the CA file of `{ca}=` and the TLS mode in `{url}`"
        ),
    }
}
