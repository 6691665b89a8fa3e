//! A plugin table using every feature of #[invect_table].

use invect_runtime::core::flows;
use invect_runtime::prelude::*;
use invect_runtime::schema::{ColumnType, DefaultValue, OnDelete};
use invect_runtime::Column;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, InvectEnum)]
#[invect(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditLevel {
    Info,
    Warn,
    SecurityAlert,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub source: String,
}

#[invect_table(
    name = "audit_logs",
    order = 100,
    primary_key(flow_id, seq),
    index(flow_id, created_at),
    unique(actor, action)
)]
#[derive(Debug, Clone, PartialEq)]
pub struct AuditLog {
    #[invect(references = flows::id, on_delete = cascade)]
    pub flow_id: String,
    pub seq: i64,
    #[invect(default = uuid, unique)]
    pub event_id: Uuid,
    #[invect(max_length = 64, index)]
    pub actor: String,
    #[invect(rename = "action_name", default = "created")]
    pub action: String,
    #[invect(text)]
    pub details: Option<String>,
    #[invect(enum, default = "INFO")]
    pub level: AuditLevel,
    #[invect(enum)]
    pub previous_level: Option<AuditLevel>,
    #[invect(default = 0)]
    pub attempts: i32,
    #[invect(default = -1)]
    pub bytes: i64,
    #[invect(default = false)]
    pub archived: bool,
    #[invect(default = now)]
    pub created_at: DateTime<Utc>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub metadata: Option<Json<Meta>>,
    #[invect(default = "{}")]
    pub extra: serde_json::Value,
    #[invect(references = flows::id, on_delete = set_null)]
    pub parent_flow_id: Option<String>,
    #[invect(references = flows::id, on_delete = restrict)]
    pub source_flow_id: Option<String>,
    #[invect(references = flows::id, on_delete = no_action)]
    pub target_flow_id: Option<String>,
}

fn new_log() -> NewAuditLog {
    NewAuditLog {
        flow_id: "f1".into(),
        seq: 1,
        event_id: None,
        actor: "ann".into(),
        action: None,
        details: Some("long text".into()),
        level: Some(AuditLevel::Warn),
        previous_level: None,
        attempts: None,
        bytes: Some(10),
        archived: None,
        created_at: None,
        reviewed_at: None,
        metadata: Some(Json(Meta { source: "ui".into() })),
        extra: None,
        parent_flow_id: None,
        source_flow_id: None,
        target_flow_id: None,
    }
}

#[allow(dead_code)]
async fn queries(db: &Db) -> invect_runtime::Result<()> {
    let row = AuditLog::insert(db, new_log()).await?;
    AuditLog::insert_many(db, vec![new_log(), NewAuditLog { seq: 2, ..new_log() }]).await?;
    let _found: Option<AuditLog> = AuditLog::find(db, ("f1".to_string(), 1)).await?;
    let _rows: Vec<AuditLog> = AuditLog::select()
        .filter(audit_logs::actor.eq("ann").and(audit_logs::level.eq(AuditLevel::Warn)))
        .order_by(audit_logs::created_at.desc())
        .limit(10)
        .offset(5)
        .all(db)
        .await?;
    AuditLog::update(db, &row).await?;
    AuditLog::update_where(audit_logs::flow_id.eq("f1"))
        .set(audit_logs::archived, true)
        .execute(db)
        .await?;
    let mut tx = db.begin().await?;
    let _n: u64 = AuditLog::select()
        .filter(audit_logs::reviewed_at.is_null().or(audit_logs::details.like("%x%")))
        .count(&mut tx)
        .await?;
    AuditLog::delete_where(&mut tx, audit_logs::seq.in_list([1_i64, 2])).await?;
    AuditLog::delete(&mut tx, (row.flow_id.clone(), row.seq)).await?;
    tx.commit().await?;
    Ok(())
}

fn main() {
    let _ = NewAuditLog::default();
    let _ = new_log();
    let _filter = AuditLog::select().filter(audit_logs::actor.eq("ann"));

    assert_eq!(<AuditLog as Table>::NAME, "audit_logs");
    let def = <AuditLog as Table>::DEF;
    assert_eq!(def.name, "audit_logs");
    assert_eq!(def.order, 100);
    assert_eq!(&def.primary_key[..], ["flow_id", "seq"]);
    assert_eq!(def.indexes.len(), 3);
    assert!(def.indexes.iter().any(|i| i.unique && &i.columns[..] == ["actor", "action_name"]));

    assert_eq!(<audit_logs::action as Column>::NAME, "action_name");
    let col = |name: &str| def.columns.iter().find(|c| c.name == name).unwrap();
    assert_eq!(col("actor").ty, ColumnType::String { max_length: Some(64) });
    assert_eq!(col("details").ty, ColumnType::Text);
    assert!(col("event_id").unique);
    assert_eq!(col("created_at").default, Some(DefaultValue::Now));
    match &col("level").ty {
        ColumnType::Enum(e) => {
            assert_eq!(e.name, "audit_level");
            assert_eq!(&e.values[..], ["INFO", "WARN", "SECURITY_ALERT"]);
        }
        other => panic!("level is {other:?}"),
    }
    let fk = col("parent_flow_id").references.as_ref().unwrap();
    assert_eq!((&*fk.table, &*fk.column), ("flows", "id"));
    assert_eq!(fk.on_delete, OnDelete::SetNull);
    assert_eq!(col("flow_id").references.as_ref().unwrap().on_delete, OnDelete::Cascade);
    assert!(col("previous_level").nullable);
}
