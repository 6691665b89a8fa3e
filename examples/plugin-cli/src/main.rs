//! An application's own `invect-cli`: the stock commands, plus the tables of
//! its plugin. Run `cargo run -p plugin-cli -- migrate --push --yes`.

mod tags;

fn main() -> std::process::ExitCode {
    invect_cli::main(vec![tags::plugin()])
}
