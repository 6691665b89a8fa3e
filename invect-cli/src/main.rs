//! `invect-cli`: the stock command line, with the core tables only.
//!
//! An application with plugins builds the same binary with its plugins:
//! `invect_cli::main(vec![my_plugin()])`.

fn main() -> std::process::ExitCode {
    invect_cli::main(Vec::new())
}
