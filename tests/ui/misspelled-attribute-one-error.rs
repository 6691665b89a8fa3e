//! One misspelled attribute is one error: the table, its column handles,
//! its insert struct and queries still exist, so the code that uses them,
//! a table that references it and an extension of it report nothing more.

use invect_runtime::prelude::*;

#[invect_table(name = "things")]
pub struct Thing {
    #[invect(primary_key)]
    pub id: i64,
    #[invect(max_lenght = 20)]
    pub name: String,
}

#[invect_table(name = "tags")]
pub struct Tag {
    #[invect(primary_key)]
    pub id: i64,
    #[invect(references = things::id)]
    pub thing_id: i64,
}

#[invect_table(extends = Thing)]
pub struct ThingNote {
    pub note: Option<String>,
}

fn main() {
    let _select = Thing::select().filter(things::name.eq("x"));
    let _new = NewThing { id: 1, name: "x".into() };
    let _note = thing_note::note;
    let _tag = tags::thing_id;
}
