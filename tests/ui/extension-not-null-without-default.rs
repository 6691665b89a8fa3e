use invect_runtime::prelude::*;

use invect_runtime::core::Flow;

#[invect_table(extends = Flow)]
pub struct FlowTenant {
    pub tenant_id: String,
}

fn main() {}
