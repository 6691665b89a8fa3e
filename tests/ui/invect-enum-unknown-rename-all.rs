use invect_runtime::prelude::*;

#[derive(InvectEnum)]
#[invect(rename_all = "kebab-case")]
pub enum Level {
    Info,
    Warn,
}

fn main() {}
