//! Shared helpers of the integration and interop tests.
//!
//! - [`Server`]: a server process (an example of this workspace, or a peer's server script)
//!   started on `127.0.0.1:0`, whose first stdout line `listening on http://HOST:PORT/PATH`
//!   gives its address. It is stopped by PID (SIGTERM, then SIGKILL after a grace period) when
//!   dropped; [`Server::stop`] returns its exit status so a test can assert a clean exit
//!   ([`Server::stop_and_assert_success`]). Its stderr is kept and shown if the test fails.
//! - [`run_script`]: runs a peer program (Python, Perl, a binary) with a timeout and captures
//!   its output; [`CaseReport`] reads the one-JSON-object-per-line reports the peer suites
//!   print (`{"case": "A1", "status": "pass" | "fail" | "n/a", "detail": "..."}`), and
//!   [`CaseReport::assert_cases`] asserts every expected case by name.
//! - [`require_peer`]: fails (or, with `RPC_TESTS_SKIP_MISSING_PEERS=1`, skips loudly) when a
//!   peer program is not installed; `.ci/run` installs them all.
//!
//! Every wait here is bounded; every process started here is stopped by its PID.
#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// How long a server may take to print its `listening on` line.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a stopped server may take to exit after SIGTERM before it is killed.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(20);

/// The environment variable that turns a missing peer program into a skipped test (with a
/// printed line) instead of a failure.
pub const SKIP_MISSING_PEERS_ENV: &str = "RPC_TESTS_SKIP_MISSING_PEERS";

/// The root of the workspace (the parent of the `tests` crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

/// The path of a peer script shipped in `tests/interop/` (e.g. `"py_server.py"`).
pub fn interop_script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("interop")
        .join(name)
}

/// The path of the built example `name`.
///
/// `cargo test` builds the examples of the `rpc-tests` package into
/// `<target>/<profile>/examples/`; a test binary runs from `<target>/<profile>/deps/`.
pub fn example_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("path of the running test binary");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binaries run from <target>/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "example `{name}` is not built at {}: run `cargo test` (which builds the examples) \
         or `cargo build --examples -p rpc-tests`",
        path.display()
    );
    path
}

/// Whether a program can be found on `PATH` (or at that path).
pub fn program_exists(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

/// Checks that a peer is installed: `check` runs a command that must exit 0 (for instance
/// `perl -MRPC::XML -e1`).
///
/// Returns `true` when the peer is there. When it is not, panics with a message saying to
/// run `.ci/run` (which installs every peer), unless `RPC_TESTS_SKIP_MISSING_PEERS=1` is set:
/// then it prints that the test is skipped and returns `false`.
pub fn require_peer(peer: &str, check: &[&str], package: &str) -> bool {
    let found = program_exists(check[0])
        && Command::new(check[0])
            .args(&check[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
    if found {
        return true;
    }
    if std::env::var(SKIP_MISSING_PEERS_ENV).is_ok_and(|v| v == "1") {
        println!(
            "SKIPPED: peer {peer} is not installed (Debian package {package}); \
             {SKIP_MISSING_PEERS_ENV}=1 is set"
        );
        return false;
    }
    panic!(
        "peer {peer} is not installed (`{}` failed): run `.ci/run`, which installs the \
         Debian package {package}, or set {SKIP_MISSING_PEERS_ENV}=1 to skip this test",
        check.join(" ")
    );
}

/// A server process started for a test; stopped by PID when dropped.
#[derive(Debug)]
pub struct Server {
    child: Option<Child>,
    name: String,
    url: String,
    stdout_rest: Option<thread::JoinHandle<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts the example `name` with `args`, adding `--listen 127.0.0.1:0` unless `args`
    /// has a `--listen`, and waits for its `listening on` line.
    pub fn example(name: &str, args: &[&str]) -> Server {
        let mut cmd = Command::new(example_path(name));
        if !args.iter().any(|a| a.starts_with("--listen")) {
            cmd.args(["--listen", "127.0.0.1:0"]);
        }
        cmd.args(args);
        Server::start(name, cmd)
    }

    /// Starts `python3 tests/interop/<script> args…` (a server following the same
    /// convention) and waits for its `listening on` line.
    pub fn python(script: &str, args: &[&str]) -> Server {
        let mut cmd = Command::new("python3");
        cmd.arg(interop_script(script)).args(args);
        Server::start(script, cmd)
    }

    /// Starts `cmd` and waits (at most [`STARTUP_TIMEOUT`]) for its first stdout line,
    /// which must be `listening on http://HOST:PORT/PATH`.
    ///
    /// Stderr is collected (its last [`STDERR_KEEP`] bytes; see [`stderr`](Self::stderr))
    /// and printed when the server is dropped during a failing test, so a passing run stays
    /// quiet even when the server logs (for instance the panics a test provokes).
    pub fn start(name: &str, mut cmd: Command) -> Server {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({cmd:?}): {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        let stdout_rest = thread::spawn(move || read_first_line_then_rest(stdout, tx));
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&stderr);
        thread::spawn(move || collect_stderr(pipe, &sink));
        let mut server = Server {
            child: Some(child),
            name: name.to_owned(),
            url: String::new(),
            stdout_rest: Some(stdout_rest),
            stderr,
        };
        let line = match rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok(Some(line)) => line,
            Ok(None) => {
                let status = server.stop();
                panic!(
                    "{name} closed its stdout without a `listening on` line ({status}); \
                     stderr:\n{}",
                    server.stderr()
                )
            }
            Err(_) => {
                let status = server.stop();
                panic!(
                    "{name} printed no line within {STARTUP_TIMEOUT:?} ({status}); stderr:\n{}",
                    server.stderr()
                )
            }
        };
        let Some(url) = line.strip_prefix("listening on ") else {
            server.stop();
            panic!("{name}: first stdout line is {line:?}, not `listening on http://…`");
        };
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "{name} listens on {url}, not on 127.0.0.1"
        );
        server.url = url.trim().to_owned();
        server
    }

    /// The URL of the `listening on` line (`http://127.0.0.1:PORT/PATH`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `http://127.0.0.1:PORT`, without path.
    pub fn origin(&self) -> &str {
        let after_scheme = "http://".len();
        match self.url[after_scheme..].find('/') {
            Some(i) => &self.url[..after_scheme + i],
            None => &self.url,
        }
    }

    /// The URL with another path: `server.url_with_path("/RPC2")`.
    pub fn url_with_path(&self, path: &str) -> String {
        format!("{}{path}", self.origin())
    }

    /// What the server wrote to stderr so far (the last [`STDERR_KEEP`] bytes).
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap_or(0)
    }

    /// Sends SIGTERM and waits at most [`STOP_TIMEOUT`] for the process to exit, then kills
    /// it. Returns the exit status, or a description of how it ended.
    pub fn stop(&mut self) -> StopStatus {
        self.signal_and_wait("TERM")
    }

    /// As [`stop`](Self::stop) with SIGINT (Ctrl-C).
    pub fn interrupt(&mut self) -> StopStatus {
        self.signal_and_wait("INT")
    }

    /// Stops the server with SIGTERM and asserts that it exits with status 0.
    pub fn stop_and_assert_success(mut self) {
        let status = self.stop();
        assert!(
            matches!(status, StopStatus::Exited(s) if s.success()),
            "{} did not exit 0 after SIGTERM: {status}",
            self.name
        );
    }

    /// What the server printed on stdout after its `listening on` line; available once it
    /// has been stopped.
    pub fn take_stdout(&mut self) -> String {
        match self.stdout_rest.take() {
            Some(handle) if self.child.is_none() => handle.join().unwrap_or_default(),
            other => {
                self.stdout_rest = other;
                String::new()
            }
        }
    }

    fn signal_and_wait(&mut self, signal: &str) -> StopStatus {
        let Some(mut child) = self.child.take() else {
            return StopStatus::AlreadyStopped;
        };
        if let Ok(Some(status)) = child.try_wait() {
            return StopStatus::Exited(status);
        }
        let _ = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match wait_timeout(&mut child, STOP_TIMEOUT) {
            Some(status) => StopStatus::Exited(status),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                StopStatus::Killed
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let status = self.stop();
        if thread::panicking() {
            eprintln!(
                "--- {} ({status}) stderr:\n{}--- end of {} stderr",
                self.name,
                self.stderr(),
                self.name
            );
        }
    }
}

/// How many bytes of a server's stderr [`Server`] keeps.
pub const STDERR_KEEP: usize = 64 * 1024;

fn collect_stderr(pipe: impl Read, sink: &Mutex<String>) {
    let mut reader = BufReader::new(pipe);
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                let Ok(mut kept) = sink.lock() else { return };
                kept.push_str(&line);
                if kept.len() > STDERR_KEEP {
                    let mut cut = kept.len() - STDERR_KEEP;
                    while !kept.is_char_boundary(cut) {
                        cut += 1;
                    }
                    kept.drain(..cut);
                }
            }
        }
    }
}

/// How a stopped [`Server`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopStatus {
    /// It exited (by itself or after the signal) with this status.
    Exited(ExitStatus),
    /// It did not exit within [`STOP_TIMEOUT`] after the signal and was killed.
    Killed,
    /// It had been stopped before.
    AlreadyStopped,
}

impl std::fmt::Display for StopStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopStatus::Exited(s) => write!(f, "exited: {s}"),
            StopStatus::Killed => write!(f, "killed after {STOP_TIMEOUT:?} without exiting"),
            StopStatus::AlreadyStopped => f.write_str("already stopped"),
        }
    }
}

fn read_first_line_then_rest(stdout: ChildStdout, tx: mpsc::Sender<Option<String>>) -> String {
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(n) if n > 0 => {
            let _ = tx.send(Some(line.trim_end().to_owned()));
        }
        _ => {
            let _ = tx.send(None);
            return String::new();
        }
    }
    let mut rest = String::new();
    let _ = reader.read_to_string(&mut rest);
    rest
}

/// Waits for `child` to exit, polling, for at most `timeout`.
pub fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
            _ => return None,
        }
    }
}

/// The captured result of [`run_script`].
#[derive(Debug)]
pub struct ScriptOutput {
    /// The exit status; `None` when the program was killed at the timeout.
    pub status: Option<ExitStatus>,
    /// Everything it wrote to stdout.
    pub stdout: String,
    /// Everything it wrote to stderr.
    pub stderr: String,
}

impl ScriptOutput {
    /// Whether it exited with status 0.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// Panics with the captured output unless it exited 0.
    pub fn assert_success(&self, what: &str) {
        assert!(
            self.success(),
            "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
            match self.status {
                Some(s) => s.to_string(),
                None => "killed at the timeout".to_owned(),
            },
            self.stdout,
            self.stderr
        );
    }
}

/// Runs `program args…` with stdin closed, captures stdout and stderr, and kills it (by
/// PID) if it runs longer than `timeout`.
pub fn run_script(program: &str, args: &[&str], timeout: Duration) -> ScriptOutput {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_thread = thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_thread = thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = match wait_timeout(&mut child, timeout) {
        Some(status) => Some(status),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    };
    ScriptOutput {
        status,
        stdout: out_thread.join().unwrap_or_default(),
        stderr: err_thread.join().unwrap_or_default(),
    }
}

/// Runs `python3 tests/interop/<script> args…` with a timeout.
pub fn run_python(script: &str, args: &[&str], timeout: Duration) -> ScriptOutput {
    let path = interop_script(script);
    let mut full = vec![path.to_str().expect("UTF-8 path")];
    full.extend_from_slice(args);
    run_script("python3", &full, timeout)
}

/// The outcome of one conformance case, as a peer suite reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct CaseResult {
    /// The case name (`A1`, `D2`, `echo_i8`, …).
    pub case: String,
    /// `pass`, `fail` or `n/a` (the peer cannot express the case).
    pub status: String,
    /// What was checked, why it failed, or why it does not apply.
    #[serde(default)]
    pub detail: String,
}

/// The cases a peer suite reported: one JSON object per stdout line.
#[derive(Debug, Default)]
pub struct CaseReport {
    /// The results by case name.
    pub cases: BTreeMap<String, CaseResult>,
}

impl CaseReport {
    /// Reads the JSON lines of `stdout`; lines that are not JSON objects are ignored, a case
    /// reported twice is an error.
    pub fn parse(stdout: &str) -> CaseReport {
        let mut report = CaseReport::default();
        for line in stdout.lines().map(str::trim).filter(|l| l.starts_with('{')) {
            let result: CaseResult = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("bad case line {line:?}: {e}"));
            let name = result.case.clone();
            assert!(
                report.cases.insert(name.clone(), result).is_none(),
                "case {name} reported twice"
            );
        }
        report
    }

    /// Records the outcome of a case run from Rust: `Ok(detail)` passes, `Err(why)` fails.
    pub fn record(&mut self, case: &str, outcome: Result<String, String>) {
        let (status, detail) = match outcome {
            Ok(detail) => ("pass", detail),
            Err(why) => ("fail", why),
        };
        self.insert(case, status, detail);
    }

    /// Records a case the peer cannot express, with the reason.
    pub fn not_applicable(&mut self, case: &str, reason: &str) {
        self.insert(case, "n/a", reason.to_owned());
    }

    fn insert(&mut self, case: &str, status: &str, detail: String) {
        let result = CaseResult {
            case: case.to_owned(),
            status: status.to_owned(),
            detail,
        };
        assert!(
            self.cases.insert(case.to_owned(), result).is_none(),
            "case {case} recorded twice"
        );
    }

    /// Asserts that every case of `expected` was reported, that each passed, except the
    /// cases of `not_applicable` (which must be reported as `n/a`: the peer cannot express
    /// them), and that no unexpected case was reported. Prints one line per case and the
    /// count, as `peer: N cases pass, M not applicable, 0 fail`.
    pub fn assert_cases(&self, peer: &str, expected: &[&str], not_applicable: &[&str]) {
        let mut failures = Vec::new();
        let (mut passed, mut na) = (0, 0);
        for &name in expected {
            match self.cases.get(name) {
                None => failures.push(format!("{name}: not reported")),
                Some(r) if not_applicable.contains(&name) => {
                    if r.status == "n/a" {
                        na += 1;
                        println!("{peer} {name}: not applicable: {}", r.detail);
                    } else {
                        failures.push(format!(
                            "{name}: expected n/a, got {} ({})",
                            r.status, r.detail
                        ));
                    }
                }
                Some(r) if r.status == "pass" => {
                    passed += 1;
                    println!("{peer} {name}: ok: {}", r.detail);
                }
                Some(r) => failures.push(format!("{name}: {} ({})", r.status, r.detail)),
            }
        }
        for name in self.cases.keys() {
            if !expected.contains(&name.as_str()) {
                failures.push(format!("{name}: reported but not expected by the test"));
            }
        }
        println!(
            "{peer}: {passed} cases pass, {na} not applicable, {} fail",
            failures.len()
        );
        assert!(
            failures.is_empty(),
            "{peer}: {} case(s) failed:\n  {}",
            failures.len(),
            failures.join("\n  ")
        );
    }
}
