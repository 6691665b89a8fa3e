use invect_runtime::prelude::*;

#[invect_table(extends = Flw)]
pub struct FlowTenant {
    pub tenant_id: Option<String>,
}

fn main() {}
