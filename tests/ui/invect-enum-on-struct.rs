use invect_runtime::prelude::*;

#[derive(InvectEnum)]
pub struct Level {
    pub name: String,
}

fn main() {}
