//! The stock `invect-cli` (core tables only), built inside this package so
//! `cargo bench`/`cargo test` of `push_noop` always have a binary to time.

fn main() -> std::process::ExitCode {
    invect_cli::main(Vec::new())
}
