use invect_runtime::prelude::*;

#[derive(InvectEnum)]
#[invect(rename_all = "lowercase")]
pub enum Level {
    Info,
    INFO,
}

fn main() {}
