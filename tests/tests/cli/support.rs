//! Running the real binaries: `invect-cli` and the `plugin-cli` example.
//!
//! `env!("CARGO_BIN_EXE_...")` only exists for tests of the crate that owns a
//! binary, and these tests need `invect-tests`' throwaway databases, so the
//! binaries are built once per test process with `cargo build -p invect-cli
//! -p plugin-cli` into the same target directory as this test, and run from
//! there.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use invect_runtime::schema::DialectKind;

/// How long one run may take before it is killed (the bad-URL tests demand less).
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// Which binary to run.
#[derive(Debug, Clone, Copy)]
pub enum Bin {
    /// The stock `invect-cli` (core tables only).
    Cli,
    /// `examples/plugin-cli` (core tables plus the `tags` plugin).
    Plugin,
}

/// The built binaries.
struct Bins {
    cli: PathBuf,
    plugin: PathBuf,
}

fn bins() -> &'static Bins {
    static BINS: OnceLock<Bins> = OnceLock::new();
    BINS.get_or_init(build)
}

/// Builds both binaries into this test's target directory and profile.
fn build() -> Bins {
    let exe = std::env::current_exe().expect("the test executable's path");
    // <target>/<profile>/deps/cli-<hash>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test runs from <target>/<profile>/deps");
    let target_dir = profile_dir.parent().expect("a target directory");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace)
        .args(["build", "--quiet", "-p", "invect-cli", "-p", "plugin-cli"])
        .arg("--target-dir")
        .arg(target_dir);
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        cmd.arg("--release");
    }
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("cannot run cargo to build invect-cli: {e}"));
    assert!(
        status.success(),
        "`cargo build -p invect-cli -p plugin-cli` failed"
    );
    let bin = |name: &str| profile_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    Bins {
        cli: bin("invect-cli"),
        plugin: bin("plugin-cli"),
    }
}

/// What one run of a binary did.
#[derive(Debug)]
pub struct Output {
    /// The command line, for messages.
    pub command: String,
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Output {
    /// Both streams.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Panics (showing the output) unless the run exited 0.
    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(self.code, Some(0), "`{}` failed:\n{self}", self.command);
        self.no_panic()
    }

    /// Panics unless the run exited non-zero, normally.
    #[track_caller]
    pub fn failed(&self) -> &Self {
        assert!(
            matches!(self.code, Some(c) if c != 0),
            "`{}` should have failed:\n{self}",
            self.command
        );
        self.no_panic()
    }

    /// Panics unless the run exited with `code`.
    #[track_caller]
    pub fn exited(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "`{}`:\n{self}", self.command);
        self.no_panic()
    }

    #[track_caller]
    fn no_panic(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "`{}` panicked:\n{self}",
            self.command
        );
        self
    }

    /// Panics unless stdout contains `text`.
    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "`{}`: stdout lacks {text:?}:\n{self}",
            self.command
        );
        self
    }

    /// Panics unless stderr contains `text`.
    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "`{}`: stderr lacks {text:?}:\n{self}",
            self.command
        );
        self
    }

    /// Panics if either stream contains `text`.
    #[track_caller]
    pub fn never_shows(&self, text: &str) -> &Self {
        assert!(
            !self.all().contains(text),
            "`{}` printed {text:?}:\n{self}",
            self.command
        );
        self
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?} after {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}\n--------------",
            self.code, self.elapsed, self.stdout, self.stderr
        )
    }
}

/// `args` followed by `--database-url url`.
pub fn url_args<'a>(args: &[&'a str], url: &'a str) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--database-url", url]);
    all
}

/// Runs `bin args...` in `cwd` with `env` added, stdin closed (not a
/// terminal), `DATABASE_URL` unset unless `env` sets it.
pub fn run_env(bin: Bin, cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let path = match bin {
        Bin::Cli => &bins().cli,
        Bin::Plugin => &bins().plugin,
    };
    let logs = tempfile::tempdir().expect("a temporary directory for output");
    let (out_path, err_path) = (logs.path().join("stdout"), logs.path().join("stderr"));
    let file = |p: &Path| std::fs::File::create(p).expect("an output file");
    let mut cmd = Command::new(path);
    cmd.current_dir(cwd)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG")
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(file(&out_path))
        .stderr(file(&err_path));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let command = format!(
        "{} {}",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        args.join(" ")
    );
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
    let code = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.code(),
            Ok(None) if start.elapsed() > RUN_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("`{command}` did not finish within {RUN_TIMEOUT:?}");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for `{command}`: {e}"),
        }
    };
    let elapsed = start.elapsed();
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Output {
        command,
        code,
        stdout: read(&out_path),
        stderr: read(&err_path),
        elapsed,
    }
}

/// Runs `invect-cli args...` in `cwd` on a terminal (util-linux `script`
/// provides one), typing `input`; stdout and stderr both arrive in `stdout`.
pub fn cli_on_terminal(cwd: &Path, args: &[&str], input: &str) -> Output {
    on_terminal(&bins().cli, cwd, args, input, &[])
}

/// Runs `program args...` in `cwd` on a terminal with `env` added, typing
/// `input`; stdout and stderr both arrive in `stdout`.
pub fn on_terminal(
    program: &Path,
    cwd: &Path,
    args: &[&str],
    input: &str,
    env: &[(&str, &str)],
) -> Output {
    let name = program
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let command = format!("{name} {} (on a terminal)", args.join(" "));
    terminal_line(cwd, &shell_line(program, args), command, input, env)
}

/// `program args...` quoted for `sh`.
fn shell_line(program: &Path, args: &[&str]) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut line = quote(&program.display().to_string());
    for a in args {
        line.push(' ');
        line.push_str(&quote(a));
    }
    line
}

/// Runs `invect-cli args...` in `cwd` with stdin (and stdout) on a terminal
/// but stderr sent to a file, as `invect-cli ... 2>log` does; `stderr` is that file's.
pub fn cli_on_terminal_stderr_to_file(cwd: &Path, args: &[&str]) -> Output {
    let logs = tempfile::tempdir().expect("a temporary directory for stderr");
    let log = logs.path().join("stderr");
    let line = format!("{} 2>'{}'", shell_line(&bins().cli, args), log.display());
    let command = format!("invect-cli {} 2>file (stdin on a terminal)", args.join(" "));
    let mut out = terminal_line(cwd, &line, command, "", &[]);
    out.stderr = String::from_utf8_lossy(&std::fs::read(&log).unwrap_or_default()).into_owned();
    out
}

/// Runs the shell `line` on a terminal (util-linux `script` provides one)
/// with `TERM=xterm-256color` and the colour variables unset (`env` may set
/// them), typing `input`; fails the test after [`RUN_TIMEOUT`].
fn terminal_line(
    cwd: &Path,
    line: &str,
    command: String,
    input: &str,
    env: &[(&str, &str)],
) -> Output {
    use std::io::Write;
    let start = Instant::now();
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", line, "/dev/null"])
        .current_dir(cwd)
        .env_remove("DATABASE_URL")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CI")
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .env("TERM", "xterm-256color")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `script` (util-linux) for a terminal: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .expect("typing into the terminal");
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(RUN_TIMEOUT) {
        Ok(out) => out.expect("`script` finishes"),
        Err(_) => {
            panic!("`{command}` did not finish within {RUN_TIMEOUT:?} (waiting for an answer?)")
        }
    };
    Output {
        command,
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}

/// Runs `invect-cli args...` in `cwd` on a terminal, waits for its
/// `[y/N]` question, then presses Ctrl-C; stdout and stderr both arrive in `stdout`.
pub fn cli_on_terminal_interrupted(cwd: &Path, args: &[&str]) -> Output {
    use std::io::{Read, Write};
    let command = format!("invect-cli {} (Ctrl-C at the prompt)", args.join(" "));
    let start = Instant::now();
    let mut child = Command::new("script")
        .args([
            "-q",
            "-e",
            "-c",
            &shell_line(&bins().cli, args),
            "/dev/null",
        ])
        .current_dir(cwd)
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .env("TERM", "xterm-256color")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `script` (util-linux) for a terminal: {e}"));
    let mut stdin = child.stdin.take().expect("the terminal's input");
    let mut stdout = child.stdout.take().expect("the terminal's output");
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains("[y/N]") {
        match rx.recv_timeout(RUN_TIMEOUT) {
            Ok(bytes) => seen.extend(bytes),
            Err(_) => panic!(
                "`{command}` never asked:\n{}",
                String::from_utf8_lossy(&seen)
            ),
        }
    }
    stdin.write_all(b"\x03").expect("pressing Ctrl-C");
    let status = child.wait().expect("`script` finishes");
    while let Ok(bytes) = rx.recv_timeout(Duration::from_secs(1)) {
        seen.extend(bytes);
    }
    Output {
        command,
        code: status.code(),
        stdout: String::from_utf8_lossy(&seen).into_owned(),
        stderr: String::new(),
        elapsed: start.elapsed(),
    }
}

/// The names in folder `dir`, sorted (what a command may have left there).
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The path of the built `invect-cli`.
pub fn cli_bin() -> &'static Path {
    &bins().cli
}

/// The path of the built `plugin-cli`.
pub fn plugin_bin() -> &'static Path {
    &bins().plugin
}

/// Runs `invect-cli args...` in `cwd`.
pub fn cli(cwd: &Path, args: &[&str]) -> Output {
    run_env(Bin::Cli, cwd, args, &[])
}

/// Runs `plugin-cli args...` in `cwd`.
pub fn plugin_cli(cwd: &Path, args: &[&str]) -> Output {
    run_env(Bin::Plugin, cwd, args, &[])
}

/// A fresh empty working directory.
pub fn workdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("invect-cli-test-")
        .tempdir()
        .expect("a temporary working directory")
}

pub use invect_tests::raw;

/// The parts of a server URL `scheme://user:password@host:port/database`.
#[derive(Debug)]
pub struct UrlParts {
    pub user: String,
    pub password: String,
    pub host: String,
    pub port: String,
    pub database: String,
}

/// Splits a test server URL (no percent-encoding in the tests' URLs).
pub fn url_parts(url: &str) -> UrlParts {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split('?').next().unwrap_or(rest);
    let (auth, rest) = rest.rsplit_once('@').expect("a user in the URL");
    let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
    let (hostport, database) = rest.split_once('/').unwrap_or((rest, ""));
    let (host, port) = hostport.split_once(':').unwrap_or((hostport, ""));
    UrlParts {
        user: user.into(),
        password: password.into(),
        host: host.into(),
        port: port.into(),
        database: database.into(),
    }
}

/// Runs the SQL script `file` with the dialect's own client (`sqlite3`,
/// `psql`, `mysql`) on the database at `url` (`sqlite` takes the file path);
/// panics with the client's output when it fails.
pub fn run_script(kind: DialectKind, target: &str, file: &Path) {
    let script = std::fs::File::open(file).expect("the generated script");
    let mut cmd = match kind {
        DialectKind::Sqlite => {
            let mut c = Command::new("sqlite3");
            c.args(["-bail", target]);
            c
        }
        DialectKind::Postgres => {
            let mut c = Command::new("psql");
            c.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", target]);
            c
        }
        DialectKind::Mysql => {
            let p = url_parts(target);
            let mut c = Command::new("mysql");
            c.arg(format!("-h{}", p.host))
                .arg(format!("-u{}", p.user))
                .arg(format!("-p{}", p.password));
            if !p.port.is_empty() {
                c.arg(format!("-P{}", p.port));
            }
            c.arg(&p.database);
            c
        }
    };
    let out = cmd
        .stdin(script)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the {kind} client: {e}"));
    assert!(
        out.status.success(),
        "{kind} client failed on {}:\n{}\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
