//! Push applies declared renames and widening changes in place, keeping
//! every row; verification accepts the old names while a rename is pending;
//! a narrowing change is refused with what to do instead.

use invect_runtime::schema::DialectKind;
use invect_runtime::{Error, Plugin, TableExt};
use invect_tests::AnyTestDb;

use crate::support::{invect_with, raw};

/// Version 1: `gadget_bins`, each with a `label`, a small count and a
/// required note.
mod v1 {
    use invect_runtime::prelude::*;

    #[invect_table(name = "gadget_bins")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct GadgetBin {
        #[invect(primary_key)]
        pub id: String,
        #[invect(index)]
        pub label: String,
        pub amount: i32,
        pub note: String,
    }
}

/// Version 2: the table is `gadgets`, `label` is `title`, `amount` a
/// bigint, `note` optional.
mod v2 {
    use invect_runtime::prelude::*;

    #[invect_table(name = "gadgets", renamed_from = "gadget_bins")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Gadget {
        #[invect(primary_key)]
        pub id: String,
        #[invect(index, renamed_from = "label")]
        pub title: String,
        pub amount: i64,
        pub note: Option<String>,
    }
}

/// Version 3: `note` required again (narrowing).
mod v3 {
    use invect_runtime::prelude::*;

    #[invect_table(name = "gadgets", renamed_from = "gadget_bins")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Gadget {
        #[invect(primary_key)]
        pub id: String,
        #[invect(index, renamed_from = "label")]
        pub title: String,
        pub amount: i64,
        pub note: String,
    }
}

pub async fn push_applies_renames_and_widening_keeping_rows(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let first = invect_with(&test, |b| {
        b.plugin(Plugin::new("gadgets").table::<v1::GadgetBin>())
    })
    .await;
    first
        .push()
        .await
        .unwrap_or_else(|e| panic!("{kind}: push v1: {e}"));
    let values: Vec<String> = (0..500)
        .map(|i| format!("('g{i:03}', 'label {i}', {i}, 'note {i}')"))
        .collect();
    raw(
        first.db(),
        &format!(
            "INSERT INTO gadget_bins (id, label, amount, note) VALUES {}",
            values.join(", ")
        ),
    )
    .await;
    first.db().close().await;

    let second = invect_with(&test, |b| {
        b.plugin(Plugin::new("gadgets").table::<v2::Gadget>())
    })
    .await;
    // While the rename is pending, verification accepts the old names.
    let report = second.verify().await.expect("verify before the push");
    let missing = report.problems.iter().any(|p| {
        matches!(
            p,
            invect_runtime::Drift::MissingTable { .. }
                | invect_runtime::Drift::MissingColumn { .. }
        )
    });
    assert!(!missing, "{kind}: {report}");
    let pushed = second
        .push()
        .await
        .unwrap_or_else(|e| panic!("{kind}: push v2: {e}"));
    assert!(
        pushed
            .statements
            .iter()
            .any(|s| s.contains("RENAME TO") || s.contains("INSERT INTO \"gadgets\"")),
        "{kind}: {:#?}",
        pushed.statements
    );
    let report = second.verify().await.expect("verify");
    assert!(report.is_ok(), "{kind}: {report}");
    let again = second.push().await.expect("push again");
    assert!(
        again.statements.is_empty(),
        "{kind}: {:#?}",
        again.statements
    );
    let rows = v2::Gadget::select().all(second.db()).await.expect("select");
    assert_eq!(rows.len(), 500, "{kind}");
    let g7 = rows.iter().find(|g| g.id == "g007").expect("g007");
    assert_eq!(
        (g7.title.as_str(), g7.amount, g7.note.as_deref()),
        ("label 7", 7, Some("note 7"))
    );
    // Widened and relaxed: a bigint and a missing note now go in.
    let big = v2::NewGadget {
        id: "big".into(),
        title: "big".into(),
        amount: 5_000_000_000,
        note: None,
    };
    v2::Gadget::insert(second.db(), big)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));

    // Back to NOT NULL: push refuses, naming the migration flag.
    let third = invect_with(&test, |b| {
        b.plugin(Plugin::new("gadgets").table::<v3::Gadget>())
    })
    .await;
    match third.push().await {
        Err(Error::PushRefused { reasons }) => assert!(
            reasons
                .iter()
                .any(|r| r.contains("gadgets.note") && r.contains("--allow-narrowing")),
            "{kind}: {reasons:#?}"
        ),
        other => panic!("{kind}: narrowing must be refused, got {other:?}"),
    }
    second.db().close().await;
    third.db().close().await;
    test.drop().await;
}
