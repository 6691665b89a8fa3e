//! `upgrade-cli`: `invect-cli` with the `upgrade` plugin at the version
//! `INVECT_TEST_UPGRADE` names (`1`, `2` or `narrow`, see
//! `invect_tests::upgrade`), so that the schema-change tests run real
//! `migrate` processes of both versions, and kill them.

use std::process::ExitCode;

fn main() -> ExitCode {
    match invect_tests::upgrade::plugin_from_env() {
        Ok(plugin) => invect_cli::main(vec![plugin]),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
