//! What the production tests share: the id every config uses, URLs with
//! parameters or another host, connecting, and reading an error's parts.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use invect_runtime::{ConnectProblem, DatabaseConfig, DatabaseType, Db, Error};

/// The database id of every config here: each message must name it.
pub const ID: &str = "orders-db";
/// The password of the test servers' `invect` user, which no message may show.
pub const PASSWORD: &str = ":invect@";

/// A required environment variable of `scripts/services.sh`.
pub fn env(var: &str) -> String {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => v,
        _ => panic!(
            "{var} is not set: run `source scripts/services.sh` (or `bash scripts/test.sh`) first"
        ),
    }
}

/// `url` with `query` (`a=b&c=d`) added to its parameters.
pub fn with_query(url: &str, query: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{query}")
}

/// `url` (a server URL) with its host and port replaced by `host`.
pub fn with_host(url: &str, host: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a server URL");
    let (auth, rest) = rest.rsplit_once('@').expect("a user in the URL");
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    format!("{scheme}://{auth}@{host}{path}")
}

/// The `host:port` of a test URL (they all use 127.0.0.1).
pub fn server_addr(url: &str) -> SocketAddr {
    let rest = url.split_once("://").expect("a server URL").1;
    let host = rest.rsplit_once('@').expect("a user").1;
    let host = host.split(['/', '?']).next().unwrap_or(host);
    host.parse().expect("the test URLs use 127.0.0.1:port")
}

/// A config with the test id.
pub fn config(r#type: DatabaseType, url: &str) -> DatabaseConfig {
    DatabaseConfig::new(r#type, url, ID)
}

/// Connects, panicking with the error.
pub async fn connect(config: &DatabaseConfig) -> Db {
    Db::connect_config(config)
        .await
        .unwrap_or_else(|e| panic!("connecting with {config:?}: {e}"))
}

/// Connects expecting an `Error::Connect`: its problem and message, after
/// checking that the message names the id and never shows the password.
pub async fn connect_fails(config: &DatabaseConfig) -> (ConnectProblem, String) {
    let err = match Db::connect_config(config).await {
        Ok(db) => {
            db.close().await;
            panic!("connecting with {config:?} succeeded; expected an error")
        }
        Err(e) => e,
    };
    let message = checked(&err, &format!("database `{ID}`"));
    match err {
        Error::Connect { problem, .. } => (problem, message),
        other => panic!("expected Error::Connect, got {other:?}"),
    }
}

/// An `Error::Unavailable`'s id, problem and message, after checking that
/// the message starts with `head` and never shows the password.
pub fn unavailable(err: Error, head: &str) -> (Option<String>, ConnectProblem, String) {
    let message = checked(&err, head);
    match err {
        Error::Unavailable { id, problem, .. } => (id, problem, message),
        other => panic!("expected Error::Unavailable, got {other:?}"),
    }
}

fn checked(err: &Error, head: &str) -> String {
    let message = err.to_string();
    assert!(
        message.starts_with(head),
        "expected `{head}` first in: {message}"
    );
    for shown in [message.clone(), format!("{err:?}")] {
        assert!(!shown.contains(PASSWORD), "password leaked: {shown}");
    }
    message
}

/// Asserts that `text` contains every one of `phrases`.
pub fn has(text: &str, phrases: &[&str]) {
    for phrase in phrases {
        assert!(text.contains(phrase), "expected `{phrase}` in: {text}");
    }
}

/// Asserts that `started` was between `low` and `high` ago.
pub fn took(started: Instant, low: Duration, high: Duration, what: &str) {
    let elapsed = started.elapsed();
    assert!(
        (low..high).contains(&elapsed),
        "{what} took {elapsed:?}, expected {low:?}..{high:?}"
    );
}

/// Milliseconds.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}
