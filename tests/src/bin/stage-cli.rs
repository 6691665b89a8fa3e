//! `stage-cli`: `invect-cli` with version 2 of the `stages` plugin (an enum
//! value added and used as a column's default), for pushes from separate
//! processes.

use std::process::ExitCode;

fn main() -> ExitCode {
    invect_cli::main(vec![invect_tests::stages::plugin_v2()])
}
