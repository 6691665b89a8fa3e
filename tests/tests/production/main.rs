//! Connecting to real deployments, against the real PostgreSQL and MariaDB
//! of `scripts/services.sh` (and SQLite): TLS with and without certificate
//! verification (`tls`), the pool's size, acquire timeout and statement
//! timeout (`pool`), errors at run time during an outage, through a TCP
//! proxy that is cut (`outage`), and a MySQL URL without a database (`database_name`).
//!
//! Needs the servers of `scripts/services.sh` (`source` it first): its
//! `INVECT_TEST_*` variables name the servers and the CA files.

mod database_name;
mod outage;
mod pool;
mod support;
mod tls;
