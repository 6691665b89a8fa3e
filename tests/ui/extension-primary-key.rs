use invect_runtime::prelude::*;

use invect_runtime::core::Flow;

#[invect_table(extends = Flow)]
pub struct FlowTenant {
    #[invect(primary_key)]
    pub tenant_id: Option<String>,
}

fn main() {}
