use invect_runtime::prelude::*;

#[derive(InvectEnum)]
pub enum Level {
    Info,
    Custom(String),
}

fn main() {}
