//! A spinner on stderr for anything that runs longer than a second, shown
//! only when stderr is a terminal that moves its cursor (never in logs or
//! pipes, nor with `TERM=dumb`).

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long an action runs before the spinner appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);
const FRAME: Duration = Duration::from_millis(100);

/// Runs `work` with `label`'s spinner.
pub async fn with_progress<T>(label: impl Into<String>, work: impl Future<Output = T>) -> T {
    let progress = Progress::start(label);
    let out = work.await;
    progress.finish().await;
    out
}

/// A running spinner; [`finish`](Progress::finish) removes it.
#[derive(Debug)]
pub struct Progress {
    done: Arc<AtomicBool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    /// Starts `label`'s spinner (it shows after a second, on a terminal only).
    pub fn start(label: impl Into<String>) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let task = (std::io::stderr().is_terminal() && !dumb)
            .then(|| tokio::spawn(spin(label.into(), Arc::clone(&done))));
        Progress { done, task }
    }

    /// Stops the spinner and clears its line.
    pub async fn finish(mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

async fn spin(label: String, done: Arc<AtomicBool>) {
    let start = Instant::now();
    let mut shown = false;
    for frame in ['|', '/', '-', '\\'].into_iter().cycle() {
        if done.load(Ordering::Relaxed) {
            break;
        }
        if start.elapsed() >= SHOW_AFTER {
            shown = true;
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{frame} {label} ({}s)", start.elapsed().as_secs());
            let _ = err.flush();
        }
        tokio::time::sleep(FRAME).await;
    }
    if shown {
        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
    }
}
