//! `Invect`: the configured runtime — one database, the merged schema of the
//! core tables and every plugin, and the startup check.

use std::time::Duration;

use invect_schema::Schema;

use crate::config::{DatabaseConfig, SchemaVerification};
#[cfg(feature = "credentials")]
use crate::credentials::{Credentials, EncryptionKey, GivenKeys};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::plugin::{Plugin, merged_schema};
use crate::push::{Plan, PushReport};
use crate::verify::VerifyReport;

/// The runtime: a connected [`Db`] and the schema it is meant to have.
///
/// ```no_run
/// use invect_runtime::{DatabaseConfig, DatabaseType, Invect, Plugin, SchemaVerification};
/// use invect_runtime::core::ChatMessage;
///
/// # async fn demo() -> invect_runtime::Result<()> {
/// let invect = Invect::builder()
///     .base_database_config(DatabaseConfig::new(DatabaseType::Sqlite, "file:./dev.db", "main"))
///     .schema_verification(SchemaVerification::Warn)
///     .plugin(Plugin::new("audit-log"))
///     .build()
///     .await?;
/// let report = invect.verify().await?;
/// println!("{report}");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Invect {
    db: Db,
    config: DatabaseConfig,
    schema: Schema,
    plugins: Vec<Plugin>,
    #[cfg(feature = "credentials")]
    keys: GivenKeys,
}

/// Collects the configuration of an [`Invect`]; see [`Invect::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct InvectBuilder {
    config: DatabaseConfig,
    prefix: Option<String>,
    pool: PoolOverrides,
    verification: SchemaVerification,
    plugins: Vec<Plugin>,
    #[cfg(feature = "credentials")]
    keys: GivenKeys,
}

impl Default for InvectBuilder {
    fn default() -> Self {
        InvectBuilder {
            config: DatabaseConfig::new(crate::DatabaseType::Sqlite, DEFAULT_DATABASE_URL, "main"),
            prefix: None,
            pool: PoolOverrides::default(),
            verification: SchemaVerification::Off,
            plugins: Vec::new(),
            #[cfg(feature = "credentials")]
            keys: GivenKeys::default(),
        }
    }
}

/// Pool settings given to the builder, over the config's.
#[derive(Debug, Clone, Default)]
struct PoolOverrides {
    max_connections: Option<u32>,
    acquire_timeout: Option<Duration>,
    statement_timeout: Option<Option<Duration>>,
}

impl PoolOverrides {
    fn apply(self, config: &mut DatabaseConfig) {
        if let Some(n) = self.max_connections {
            config.max_connections = n;
        }
        if let Some(t) = self.acquire_timeout {
            config.acquire_timeout = t;
        }
        if let Some(t) = self.statement_timeout {
            config.statement_timeout = t;
        }
    }
}

/// The database used when none is configured: SQLite in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "file:./dev.db";

impl Invect {
    /// A builder with the defaults: SQLite `file:./dev.db`, id `main`, no
    /// verification, no plugins.
    pub fn builder() -> InvectBuilder {
        InvectBuilder::default()
    }

    /// The connection, with the configured table prefix, for typed queries.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The database configuration (its `Debug` redacts the password).
    pub fn config(&self) -> &DatabaseConfig {
        &self.config
    }

    /// Core and plugin tables merged, prefixed, in creation order.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The plugins, in the order they were added.
    pub fn plugins(&self) -> &[Plugin] {
        &self.plugins
    }

    /// The statements `migrate --push` would run now; changes nothing.
    pub async fn plan(&self) -> Result<Plan> {
        crate::push::plan(&self.db, &self.schema, &self.config.table_prefix).await
    }

    /// Applies the schema additively (`migrate --push`); see [`crate::push()`].
    pub async fn push(&self) -> Result<PushReport> {
        crate::push::push(&self.db, &self.schema, &self.config.table_prefix).await
    }

    /// What `migrate --adopt` would do now; changes nothing.
    pub async fn plan_adoption(&self) -> Result<crate::AdoptPlan> {
        crate::adopt::plan_adoption(&self.db, &self.schema, &self.config.table_prefix).await
    }

    /// Takes over the tables another tool made for this schema
    /// (`migrate --adopt`); see [`crate::adopt()`].
    pub async fn adopt(&self) -> Result<crate::AdoptPlan> {
        crate::adopt::adopt(&self.db, &self.schema, &self.config.table_prefix).await
    }

    /// The credentials API, with the builder's encryption keys and, for
    /// what it was not given, `INVECT_ENCRYPTION_KEY` and
    /// `INVECT_PREVIOUS_ENCRYPTION_KEYS`, read now: nothing else reads them,
    /// so a malformed key troubles only the code that uses credentials.
    #[cfg(feature = "credentials")]
    pub fn credentials(&self) -> Credentials {
        Credentials::deferred(self.db.clone(), self.keys.keyring())
    }

    /// Checks, read-only, that the database has every table and column.
    pub async fn verify(&self) -> Result<VerifyReport> {
        crate::verify::verify(&self.db, &self.schema, &self.config.id).await
    }
}

impl InvectBuilder {
    /// The database to use (the TypeScript Invect's `baseDatabaseConfig`).
    pub fn base_database_config(mut self, config: DatabaseConfig) -> Self {
        self.config = config;
        self
    }

    /// What the startup check does: `Off` (default), `Warn` or `Strict`.
    pub fn schema_verification(mut self, mode: SchemaVerification) -> Self {
        self.verification = mode;
        self
    }

    /// A prefix for every Invect table (`invect_` → `invect_flows`), so that
    /// Invect's tables never meet the application's own. Overrides the
    /// config's `tablePrefix`.
    pub fn table_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// The most connections the pool opens (default 10). Overrides the
    /// config's `maxConnections`.
    pub fn max_connections(mut self, n: u32) -> Self {
        self.pool.max_connections = Some(n);
        self
    }

    /// How long a statement waits for a free connection before failing
    /// with the cause (default 10 s). Overrides the config's `acquireTimeoutMillis`.
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.pool.acquire_timeout = Some(timeout);
        self
    }

    /// The longest a statement may run before the server cancels it (`None`
    /// for no limit, the default); see [`DatabaseConfig::statement_timeout`].
    /// Overrides the config's `statementTimeoutMillis`.
    pub fn statement_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.pool.statement_timeout = Some(timeout.into());
        self
    }

    /// Adds a plugin's tables and extensions.
    pub fn plugin(mut self, plugin: Plugin) -> Self {
        self.plugins.push(plugin);
        self
    }

    /// The key that encrypts credentials; without it `INVECT_ENCRYPTION_KEY`
    /// is read when [`Invect::credentials`] is called.
    #[cfg(feature = "credentials")]
    pub fn encryption_key(mut self, key: EncryptionKey) -> Self {
        self.keys.key = Some(key);
        self
    }

    /// An older key that may still decrypt credentials (a rotation window);
    /// without any, `INVECT_PREVIOUS_ENCRYPTION_KEYS` is read.
    #[cfg(feature = "credentials")]
    pub fn previous_encryption_key(mut self, key: EncryptionKey) -> Self {
        self.keys.previous.push(key);
        self
    }

    /// Merges the schema, connects, and runs the startup check.
    ///
    /// Fails on a schema conflict (naming the plugins involved), on any
    /// connection problem (naming the database id), and, under `Strict`, when
    /// the database lacks tables or columns. Under `Warn` the same report is
    /// logged through `tracing` and the runtime starts.
    pub async fn build(self) -> Result<Invect> {
        let mut config = self.config;
        if let Some(prefix) = self.prefix {
            config.table_prefix = prefix;
        }
        self.pool.apply(&mut config);
        config.validate()?;
        let schema = merged_schema(&self.plugins, &config.table_prefix)?;
        let db = Db::connect_config(&config).await?;
        let invect = Invect {
            db,
            config,
            schema,
            plugins: self.plugins,
            #[cfg(feature = "credentials")]
            keys: self.keys,
        };
        invect.startup_check(self.verification).await?;
        Ok(invect)
    }
}

impl Invect {
    async fn startup_check(&self, mode: SchemaVerification) -> Result<()> {
        if mode == SchemaVerification::Off {
            return Ok(());
        }
        let report = self.verify().await?;
        match mode {
            _ if report.is_exact() => Ok(()),
            // Indexes, foreign keys or defaults differ: queries work, so
            // even a strict check only says so.
            _ if report.is_ok() => {
                tracing::warn!(database = %self.config.id, "{report}");
                Ok(())
            }
            SchemaVerification::Warn => {
                tracing::warn!(database = %self.config.id, "{report}");
                Ok(())
            }
            _ => Err(Error::Verification(Box::new(report))),
        }
    }
}
