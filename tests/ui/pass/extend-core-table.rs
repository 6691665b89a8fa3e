//! Columns added to the core `flows` table by a plugin.

use invect_runtime::core::{Flow, flows};
use invect_runtime::prelude::*;
use invect_runtime::TableExtension;

#[invect_table(extends = Flow)]
#[derive(Debug, Clone, PartialEq)]
pub struct FlowTenant {
    #[invect(index, max_length = 64)]
    pub tenant_id: Option<String>,
    #[invect(default = "free")]
    pub plan: String,
    #[invect(default = 1)]
    pub seats: i32,
}

#[allow(dead_code)]
async fn queries(db: &Db) -> invect_runtime::Result<()> {
    let key = "f1".to_string();
    let _current: Option<FlowTenant> = FlowTenant::get(db, &key).await?;
    let value = FlowTenant { tenant_id: Some("acme".into()), plan: "pro".into(), seats: 5 };
    FlowTenant::set(db, &key, &value).await?;
    let _flows: Vec<Flow> = Flow::select()
        .filter(flow_tenant::tenant_id.eq("acme").and(flows::is_active.eq(true)))
        .all(db)
        .await?;
    Flow::update_where(flow_tenant::plan.eq("free"))
        .set(flow_tenant::plan, "pro")
        .execute(db)
        .await?;
    Ok(())
}

fn main() {
    let ext = <FlowTenant as TableExtension>::EXTENSION;
    assert_eq!(ext.table, "flows");
    assert_eq!(ext.columns.len(), 3);
    assert!(ext.columns[0].nullable);
    assert!(!ext.columns[1].nullable && ext.columns[1].default.is_some());
    assert_eq!(ext.indexes.len(), 1);
}
