use invect_runtime::prelude::*;

pub struct Tenant {
    pub id: String,
}

#[invect_table(extends = Tenant)]
pub struct TenantPlan {
    pub plan: Option<String>,
}

fn main() {}
