//! A field named with a raw identifier (`r#type`) maps to the column `type`.

use invect_runtime::prelude::*;
use invect_runtime::Column;

#[invect_table(name = "events")]
#[derive(Debug, Clone)]
pub struct Event {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    pub r#type: String,
}

fn main() {
    assert_eq!(<events::r#type as Column>::NAME, "type");
    let _ = Event::select().filter(events::r#type.eq("click"));
    let _ = NewEvent { id: None, r#type: "click".into() };
}
