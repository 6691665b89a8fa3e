//! A MySQL URL without a database is refused before connecting: Invect's
//! tables would have no database to live in.

use invect_runtime::{ConnectProblem, DatabaseType};
use invect_tests::mysql_url;

use crate::support::{config, connect_fails, has, with_host};

#[tokio::test]
async fn mysql_url_without_a_database_is_refused() {
    let base = mysql_url();
    let host = base.rsplit_once('@').expect("a user").1;
    let host = host.split(['/', '?']).next().expect("a host");
    // `mysql://invect:invect@127.0.0.1:3306`, no path.
    let bare = with_host(&base, host);
    let bare = bare
        .split_once(&format!("@{host}"))
        .map(|(a, _)| format!("{a}@{host}"))
        .expect("the host");
    for url in [
        bare.clone(),
        format!("{bare}/"),
        format!("{bare}/?ssl-mode=REQUIRED"),
    ] {
        let (problem, message) = connect_fails(&config(DatabaseType::Mysql, &url)).await;
        assert_eq!(problem, ConnectProblem::MissingDatabase, "{url}: {message}");
        has(
            &message,
            &[
                "names no database",
                "CREATE DATABASE `invect`",
                "invect:***@",
            ],
        );
    }
}
