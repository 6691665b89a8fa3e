//! Which database and which files a command works on: the flags, the
//! environment, `invect.toml` and the defaults, in that order.

use std::fmt;
use std::path::{Path, PathBuf};

use invect_runtime::DEFAULT_DATABASE_URL;
use invect_runtime::{DatabaseConfig, InvectConfig, SchemaVerification};
use invect_runtime::{Error, Result};

use crate::args::{ConfigArgs, DatabaseArgs};

/// The environment variable a connection string is read from.
pub const DATABASE_URL_VAR: &str = "DATABASE_URL";
/// The config file looked for in the working directory.
pub const CONFIG_FILE: &str = "invect.toml";
/// The database id used when no config file names one.
const DEFAULT_ID: &str = "main";

/// Where the connection string came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    /// `--database-url`.
    Flag,
    /// The `DATABASE_URL` environment variable.
    Env,
    /// `DATABASE_URL` in a `.env` file.
    DotEnv(PathBuf),
    /// The config file's `[database]`.
    ConfigFile(PathBuf),
    /// Nothing was configured: [`DEFAULT_DATABASE_URL`].
    Default,
}

impl fmt::Display for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlSource::Flag => f.write_str("--database-url"),
            UrlSource::Env => write!(f, "{DATABASE_URL_VAR}"),
            UrlSource::DotEnv(path) => write!(f, "{DATABASE_URL_VAR} in {}", path.display()),
            UrlSource::ConfigFile(path) => write!(f, "{}", path.display()),
            UrlSource::Default => f.write_str("default"),
        }
    }
}

/// Everything a command needs to know before it connects.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The config file read, if any.
    pub config_file: Option<PathBuf>,
    /// The connection string, not yet checked.
    pub url: String,
    /// Where [`url`](Self::url) came from.
    pub url_source: UrlSource,
    /// The database id (`main` unless the config file says otherwise).
    pub id: String,
    /// The table prefix of the config file, `""` for none.
    pub table_prefix: String,
    /// Where migration files live (a relative `migrationsDir` is taken
    /// from the config file's folder).
    pub migrations_dir: PathBuf,
    /// The config file's `schemaVerification`, shown by `info`.
    pub schema_verification: SchemaVerification,
    /// The config file's `[database]`, used as it is when nothing overrides its URL.
    file_database: Option<DatabaseConfig>,
}

impl Settings {
    /// Reads the config file (`--config`, else `./invect.toml` when it
    /// exists) and picks the connection string by precedence; `dotenv` is
    /// the `.env` file `DATABASE_URL` came from, if it did.
    pub fn load(args: &DatabaseArgs, dotenv: Option<&Path>) -> Result<Settings> {
        let env = std::env::var_os(DATABASE_URL_VAR)
            .map(|v| {
                v.into_string().map_err(|_| Error::Config {
                    id: DEFAULT_ID.into(),
                    message: format!(
                        "the {DATABASE_URL_VAR} environment variable is not valid UTF-8; fix it or unset it"
                    ),
                })
            })
            .transpose()?;
        let (config_path, file) = read_config(&args.config)?;
        let mut settings = Settings::resolve(
            args.database_url.as_deref(),
            env.as_deref(),
            config_path,
            file,
        )?;
        if let (UrlSource::Env, Some(path)) = (&settings.url_source, dotenv) {
            settings.url_source = UrlSource::DotEnv(path.to_path_buf());
        }
        Ok(settings)
    }

    /// The config file alone (for `generate`, which opens no database).
    pub fn load_config(args: &ConfigArgs) -> Result<Settings> {
        let (config_path, file) = read_config(args)?;
        Settings::resolve(None, None, config_path, file)
    }

    /// Precedence: `flag` > `env` > the config file > [`DEFAULT_DATABASE_URL`].
    /// Blank values count as absent, except a blank `--database-url`.
    fn resolve(
        flag: Option<&str>,
        env: Option<&str>,
        config_path: Option<PathBuf>,
        file: Option<InvectConfig>,
    ) -> Result<Settings> {
        let id = file
            .as_ref()
            .map_or(DEFAULT_ID.to_string(), |f| f.database.id.clone());
        if flag.is_some_and(|f| f.trim().is_empty()) {
            return Err(Error::Config {
                id,
                message: "--database-url is empty; give a connection string such as file:./dev.db or postgresql://user:password@host/database".into(),
            });
        }
        let env = env.filter(|e| !e.trim().is_empty());
        let base = config_path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let file = file.map(|f| relative_to(f, &base));
        let (url, url_source) = match (flag, env, &file, &config_path) {
            (Some(url), ..) => (url.to_string(), UrlSource::Flag),
            (None, Some(url), ..) => (url.to_string(), UrlSource::Env),
            (None, None, Some(f), Some(path)) => (
                f.database.connection_string.clone(),
                UrlSource::ConfigFile(path.clone()),
            ),
            _ => (DEFAULT_DATABASE_URL.to_string(), UrlSource::Default),
        };
        Ok(Settings {
            config_file: config_path.filter(|_| file.is_some()),
            url,
            url_source,
            id,
            table_prefix: file
                .as_ref()
                .map(|f| f.database.table_prefix.clone())
                .unwrap_or_default(),
            migrations_dir: file
                .as_ref()
                .map_or_else(|| PathBuf::from("migrations"), |f| f.migrations_dir.clone()),
            schema_verification: file
                .as_ref()
                .map(|f| f.schema_verification)
                .unwrap_or_default(),
            file_database: file.map(|f| f.database),
        })
    }

    /// The database to open: the config file's `[database]` when its URL is
    /// the one in use, otherwise one whose type is read from the URL, with
    /// the config file's pool settings (a URL from `--database-url` or
    /// `DATABASE_URL` replaces only the connection string).
    pub fn database_config(&self) -> Result<DatabaseConfig> {
        if let (UrlSource::ConfigFile(_), Some(db)) = (&self.url_source, &self.file_database) {
            return Ok(db.clone());
        }
        let mut config =
            database_config_from_url(&self.url, &self.id)?.with_table_prefix(&self.table_prefix);
        if let Some(file) = &self.file_database {
            config.max_connections = file.max_connections;
            config.acquire_timeout = file.acquire_timeout;
            config.statement_timeout = file.statement_timeout;
        }
        Ok(config)
    }

    /// The migrations folder, for messages.
    pub fn migrations_dir(&self) -> &Path {
        &self.migrations_dir
    }
}

/// `--config`, else `./invect.toml` when it exists, and its contents.
fn read_config(args: &ConfigArgs) -> Result<(Option<PathBuf>, Option<InvectConfig>)> {
    let config_path = match &args.config {
        Some(path) => Some(path.clone()),
        None => Some(PathBuf::from(CONFIG_FILE)).filter(|p| p.is_file()),
    };
    let file = config_path
        .as_deref()
        .map(InvectConfig::from_file)
        .transpose()?;
    Ok((config_path, file))
}

/// `file` with its relative paths (a SQLite file, `migrationsDir`) taken
/// from `dir`, the config file's folder, rather than the working directory.
fn relative_to(mut file: InvectConfig, dir: &Path) -> InvectConfig {
    if file.migrations_dir.is_relative() {
        file.migrations_dir = dir.join(&file.migrations_dir);
    }
    file.database = file.database.with_sqlite_base(dir);
    file
}

/// A [`DatabaseConfig`] for `url`, its type read from the URL's scheme
/// (`file:`/`sqlite:` → SQLite, `postgres(ql)://` → PostgreSQL, `mysql://` /
/// `mariadb://` → MySQL); errors name `id` and never show the password.
pub fn database_config_from_url(url: &str, id: &str) -> Result<DatabaseConfig> {
    DatabaseConfig::from_url(url, id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use invect_runtime::DatabaseType;

    fn file(url: &str) -> InvectConfig {
        let text = format!(
            "migrationsDir = \"db/migrations\"\n[database]\ntype = \"postgresql\"\nconnectionString = \"{url}\"\nid = \"app\"\ntablePrefix = \"iv_\"\n"
        );
        match InvectConfig::from_toml_str(&text) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    fn resolve(flag: Option<&str>, env: Option<&str>, with_file: bool) -> Settings {
        let (path, f) = if with_file {
            (
                Some(PathBuf::from("invect.toml")),
                Some(file("postgres://u:p@h/db")),
            )
        } else {
            (None, None)
        };
        match Settings::resolve(flag, env, path, f) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn flag_beats_env_beats_file_beats_default() {
        let s = resolve(Some("mysql://a@h/x"), Some("file:./env.db"), true);
        assert_eq!(
            (s.url.as_str(), &s.url_source),
            ("mysql://a@h/x", &UrlSource::Flag)
        );
        let s = resolve(None, Some("file:./env.db"), true);
        assert_eq!(
            (s.url.as_str(), &s.url_source),
            ("file:./env.db", &UrlSource::Env)
        );
        let s = resolve(None, Some("  "), true);
        assert_eq!(s.url, "postgres://u:p@h/db");
        assert!(matches!(s.url_source, UrlSource::ConfigFile(_)));
        let s = resolve(None, None, false);
        assert_eq!(
            (s.url.as_str(), &s.url_source),
            (DEFAULT_DATABASE_URL, &UrlSource::Default)
        );
    }

    #[test]
    fn an_overriding_url_keeps_the_files_pool_settings() {
        let text = "[database]\ntype = \"postgresql\"\nconnectionString = \"postgres://u:p@h/db\"\n\
                    id = \"app\"\nmaxConnections = 3\nacquireTimeoutMillis = 1500\nstatementTimeoutMillis = 700\n";
        let f = match InvectConfig::from_toml_str(text) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        let s = match Settings::resolve(
            Some("mysql://a@h/x"),
            None,
            Some(PathBuf::from("invect.toml")),
            Some(f),
        ) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let db = match s.database_config() {
            Ok(db) => db,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(db.r#type, DatabaseType::Mysql);
        assert_eq!(db.max_connections, 3);
        assert_eq!(db.acquire_timeout, std::time::Duration::from_millis(1500));
        assert_eq!(
            db.statement_timeout,
            Some(std::time::Duration::from_millis(700))
        );
    }

    #[test]
    fn an_overriding_url_keeps_the_files_id_prefix_and_folder() {
        let s = resolve(None, Some("file:./env.db"), true);
        let db = match s.database_config() {
            Ok(db) => db,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(db.r#type, DatabaseType::Sqlite);
        assert_eq!((db.id.as_str(), db.table_prefix.as_str()), ("app", "iv_"));
        assert_eq!(s.migrations_dir(), Path::new("db/migrations"));
    }

    #[test]
    fn a_blank_flag_or_unknown_scheme_is_an_error() {
        assert!(Settings::resolve(Some(" "), None, None, None).is_err());
        let s = resolve(Some("mongodb://u:secret@h/db"), None, false);
        let e = match s.database_config() {
            Ok(_) => panic!("mongodb accepted"),
            Err(e) => e.to_string(),
        };
        assert!(!e.contains("secret"), "{e}");
    }
}
