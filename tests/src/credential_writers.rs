//! The application's side of a key-rotation race: tasks updating credential
//! configs through the credentials API until stopped, each remembering what
//! it last wrote to each row, and the check that nothing it was told had
//! succeeded was reverted.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use invect_runtime::Db;
use invect_runtime::credentials::{
    CredentialFilter, CredentialList, CredentialUpdate, Credentials, Keyring,
};
use invect_runtime::prelude::Uuid;
use serde_json::{Value, json};

/// What writing tasks did: the config last written to each row (each row
/// has one writer, so that is the row's latest), when each successful
/// update started and ended, and the errors they were given.
#[derive(Debug, Default)]
pub struct Written {
    pub last: HashMap<Uuid, Value>,
    pub spans: Vec<(Instant, Instant)>,
    pub errors: Vec<String>,
}

impl Written {
    /// Successful updates.
    pub fn updates(&self) -> usize {
        self.spans.len()
    }

    /// Successful updates that were under way at some moment between
    /// `start` and `end` (on SQLite most of them wait for the rotation).
    pub fn overlapping(&self, start: Instant, end: Instant) -> usize {
        self.spans
            .iter()
            .filter(|(s, e)| *s < end && *e > start)
            .count()
    }

    /// The rows of `ids` whose stored config (read with `both` keys) is not
    /// the latest written, or `initial(i)` for row `i` if never updated.
    pub async fn reverted(
        &self,
        db: &Db,
        ids: &[Uuid],
        both: Keyring,
        initial: impl Fn(usize) -> Value,
    ) -> Vec<Uuid> {
        let stored: HashMap<Uuid, Value> = Credentials::new(db.clone(), both)
            .list(CredentialFilter::default())
            .await
            .and_then(CredentialList::complete)
            .expect("both keys read every row")
            .into_iter()
            .map(|c| (c.id, c.config))
            .collect();
        assert_eq!(stored.len(), ids.len(), "a row went missing");
        ids.iter()
            .enumerate()
            .filter(|(i, id)| {
                let expected = self.last.get(id).cloned().unwrap_or_else(|| initial(*i));
                stored.get(id) != Some(&expected)
            })
            .map(|(_, id)| *id)
            .collect()
    }
}

/// `n` tasks updating the configs of some rows until stopped: writer `w`
/// owns every `n`th row from the `w`th and has its own keyring (say, the
/// old key only for an instance not yet restarted, the new key reading
/// both for one in the rotation window).
#[derive(Debug)]
pub struct Writers {
    stop: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
    tasks: Vec<tokio::task::JoinHandle<Written>>,
}

impl Writers {
    /// Starts `n` writers on `db` over `ids`, writer `w` with keyring
    /// `keyring(w)`; returns once each has updated a few rows.
    pub async fn start(
        db: &Db,
        ids: &[Uuid],
        n: usize,
        keyring: impl Fn(usize) -> Keyring,
    ) -> Writers {
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicUsize::new(0));
        let tasks = (0..n)
            .map(|w| {
                let store = Credentials::new(db.clone(), keyring(w));
                let rows = ids.iter().copied().skip(w).step_by(n).collect();
                tokio::spawn(write(store, rows, w, stop.clone(), done.clone()))
            })
            .collect();
        let writers = Writers { stop, done, tasks };
        writers.wait_for(n * 4).await;
        writers
    }

    /// Successful updates so far.
    pub fn updates(&self) -> usize {
        self.done.load(Ordering::SeqCst)
    }

    async fn wait_for(&self, n: usize) {
        for _ in 0..3_000 {
            if self.updates() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the writers made only {} updates in 30 s", self.updates());
    }

    /// Stops the writers; what they did, together.
    pub async fn stop(self) -> Written {
        self.stop.store(true, Ordering::SeqCst);
        let mut all = Written::default();
        for task in self.tasks {
            let one = task.await.expect("a writer task panicked");
            all.last.extend(one.last);
            all.spans.extend(one.spans);
            all.errors.extend(one.errors);
        }
        all
    }
}

/// One writer: updates `rows` in a mixed order until `stop`.
async fn write(
    store: Credentials,
    rows: Vec<Uuid>,
    w: usize,
    stop: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
) -> Written {
    let mut written = Written::default();
    let mut seq = 0usize;
    while !stop.load(Ordering::SeqCst) {
        seq += 1;
        // A prime stride visits the rows in a mixed order.
        let id = rows[(seq * 7_919) % rows.len()];
        let config = json!({ "writer": w, "seq": seq, "secret": format!("sk-{w}-{seq}") });
        let changes = CredentialUpdate {
            config: Some(config.clone()),
            ..CredentialUpdate::default()
        };
        let start = Instant::now();
        match store.update(id, changes).await {
            Ok(_) => {
                written.last.insert(id, config);
                written.spans.push((start, Instant::now()));
                done.fetch_add(1, Ordering::SeqCst);
            }
            Err(e) => written.errors.push(e.to_string()),
        }
    }
    written
}
