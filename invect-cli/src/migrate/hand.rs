//! The `migrate` flags for work Invect does not write itself: `--new NAME`
//! (an empty reversible migration to fill in), `--adopt-hand-written` (the
//! snapshot for a file written by hand), and `--revert N`.

use invect_runtime::migrate;

use crate::args::ChangeArgs;
use crate::failure::{Failure, Outcome};
use crate::open::Opened;
use crate::output::Out;
use crate::settings::Settings;

/// Writes `<version>_<name>.up.sql` / `.down.sql`, empty, with the snapshot
/// of the declared schema; the database is only read.
pub async fn new_file(out: &Out, opened: Opened, settings: &Settings, name: &str) -> Outcome {
    let invect = opened.invect();
    let written = migrate::new_empty(
        settings.migrations_dir(),
        invect.db().kind(),
        invect.schema(),
        &invect.config().table_prefix,
        name,
    );
    opened.close().await;
    let written = written?;
    out.done("wrote", written.path.display().to_string());
    if let Some(down) = &written.down_path {
        out.done("wrote", down.display().to_string());
    }
    out.line("write the change's SQL in the up file and its undoing in the down file, then run `invect-cli migrate`");
    Ok(())
}

/// Records the newest file, written by hand, as taking the database to the
/// declared schema (writes its snapshot); the database is only read.
pub async fn adopt(out: &Out, opened: Opened, settings: &Settings) -> Outcome {
    let invect = opened.invect();
    let kind = invect.db().kind();
    let adopted = migrate::adopt_hand_written(
        settings.migrations_dir(),
        kind,
        invect.schema(),
        &invect.config().table_prefix,
    );
    opened.close().await;
    match adopted? {
        Some(version) => out.done(
            "adopted",
            format!("migration {version}: its snapshot is the declared schema"),
        ),
        None => out.line(format!(
            "nothing to adopt: the newest file in {} already has a snapshot (or there is none)",
            migrate::dialect_dir(settings.migrations_dir(), kind).display()
        )),
    }
    Ok(())
}

/// Undoes the last `count` applied migrations after asking.
pub async fn revert(
    out: &Out,
    opened: Opened,
    settings: &Settings,
    count: usize,
    lock_timeout: std::time::Duration,
    change: &ChangeArgs,
) -> Outcome {
    let id = opened.invect().config().id.clone();
    if change.dry_run {
        opened.close().await;
        out.line(format!(
            "dry run: would revert the last {count} migration(s) of database `{id}`; nothing was changed"
        ));
        return Ok(());
    }
    let question = format!("Revert the last {count} migration(s) of database `{id}`?");
    if !out.confirm(&question, change.yes)? {
        opened.close().await;
        return Err(Failure::new("cancelled; nothing was reverted"));
    }
    let invect = opened.for_writing(settings).await?;
    let result = migrate::revert_with_lock_timeout(
        invect.db(),
        settings.migrations_dir(),
        count,
        lock_timeout,
    )
    .await;
    invect.db().close().await;
    let reverted = result?;
    for version in &reverted {
        out.done("reverted", format!("migration {version}"));
    }
    if reverted.is_empty() {
        out.line(format!(
            "database `{id}` has no applied migration to revert"
        ));
    }
    Ok(())
}
