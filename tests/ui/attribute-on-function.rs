use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub fn audit_log() {}

fn main() {}
