//! Pyblish's IPC pattern end to end: a Pyblish host and a Pyblish UI, each an XML-RPC server
//! calling the other, in every pairing of the Rust examples (`examples/pyblish_host.rs`,
//! `examples/pyblish_ui.rs`) and their Python counterparts (`tests/python/`).
//!
//! Each pairing checks the handshake (`show`, then the UI's `ping`, `discover` and `context`
//! calls back), heartbeats (also during a long `process` call), every host method as Python
//! calls it (omitted trailing parameters, nil results, faults, introspection), the shared-secret
//! check (HTTP 401 without it), the UI methods, and a clean exit (status 0) on SIGTERM or `quit`.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const SECRET: &str = "s3cret:with@odd/chars";
const GREETING: &str = "Hello, whomever you are";
/// Bound on every wait for a line or an exit.
const WAIT: Duration = Duration::from_secs(30);
/// Bound on a Python probe run.
const PROBE_WAIT: Duration = Duration::from_secs(120);
/// Bound on the UI's exit after `quit` (it promises 2 s; the margin is for loaded machines).
const QUIT_BOUND: Duration = Duration::from_secs(5);
const HEARTBEAT_MS: u64 = 200;
const PROCESS_DELAY_MS: u64 = 2_000;

#[derive(Clone, Copy, Debug)]
enum Side {
    Rust,
    Python,
}

fn python_script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(name)
}

/// `<target>/debug/deps/<test>` -> `<target>/debug/examples/<name>`.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test binary lives in <target>/<profile>/deps");
    let path = dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is not built; run `cargo test`",
        path.display()
    );
    path
}

fn command(side: Side, role: &str) -> Command {
    match side {
        Side::Rust => Command::new(example(&format!("pyblish_{role}"))),
        Side::Python => {
            let mut cmd = Command::new("python3");
            cmd.arg("-u")
                .arg(python_script(&format!("pyblish_{role}.py")));
            cmd
        }
    }
}

type Lines = Arc<Mutex<Vec<(Instant, String)>>>;

/// A child process whose stdout lines are collected, with their arrival times, as they come.
struct Proc {
    name: String,
    child: Child,
    lines: Lines,
    stderr: Arc<Mutex<String>>,
}

impl Proc {
    fn spawn(name: &str, mut cmd: Command) -> Proc {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let lines: Lines = Arc::default();
        let stdout = child.stdout.take().expect("piped stdout");
        let sink = Arc::clone(&lines);
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push((Instant::now(), line));
            }
        });
        let stderr: Arc<Mutex<String>> = Arc::default();
        let mut pipe = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Proc {
            name: name.to_owned(),
            child,
            lines,
            stderr,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn output(&self) -> String {
        let lines = self.lines.lock().unwrap();
        let out: Vec<&str> = lines.iter().map(|(_, l)| l.as_str()).collect();
        format!(
            "--- {} stdout:\n{}\n--- {} stderr:\n{}",
            self.name,
            out.join("\n"),
            self.name,
            self.stderr.lock().unwrap()
        )
    }

    /// Index and text of the first line from `from` on that satisfies `pred`, waiting for it.
    fn wait_line(&self, from: usize, what: &str, pred: impl Fn(&str) -> bool) -> (usize, String) {
        let deadline = Instant::now() + WAIT;
        loop {
            {
                let lines = self.lines.lock().unwrap();
                if let Some(i) = (from..lines.len()).find(|&i| pred(&lines[i].1)) {
                    return (i, lines[i].1.clone());
                }
            }
            assert!(
                Instant::now() < deadline,
                "{}: no line {what} within {WAIT:?}\n{}",
                self.name,
                self.output()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_until(&self, what: &str, cond: impl Fn() -> bool) {
        let deadline = Instant::now() + WAIT;
        while !cond() {
            assert!(
                Instant::now() < deadline,
                "{}: no {what} within {WAIT:?}\n{}",
                self.name,
                self.output()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_exact(&self, line: &str) -> usize {
        self.wait_line(0, &format!("{line:?}"), |l| l == line).0
    }

    fn line_count(&self) -> usize {
        self.lines.lock().unwrap().len()
    }

    fn line_at(&self, i: usize) -> (Instant, String) {
        self.lines.lock().unwrap()[i].clone()
    }

    fn count(&self, pred: impl Fn(Instant, &str) -> bool) -> usize {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|(t, l)| pred(*t, l))
            .count()
    }

    /// Waits for the first line, which must be `listening on URL`; returns the URL and its port.
    fn listening(&self, path: &str) -> (String, u16) {
        let (i, line) = self.wait_line(0, "`listening on ...`", |_| true);
        assert_eq!(i, 0);
        let url = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("{}: first line is {line:?}\n{}", self.name, self.output()))
            .to_owned();
        let rest = url
            .strip_prefix("http://127.0.0.1:")
            .expect("listening on 127.0.0.1");
        let (port, tail) = rest.split_once('/').expect("URL with a path");
        assert_eq!(format!("/{tail}"), path, "{}: served path", self.name);
        let port: u16 = port.parse().expect("port number");
        assert_ne!(port, 0);
        (url, port)
    }

    fn wait_exit(&mut self, bound: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + bound;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and expects a graceful exit with status 0.
    fn terminate(self) {
        self.stop_with("TERM");
    }

    /// Sends `SIG{signal}` (`TERM` or `INT`) and expects a graceful exit with status 0.
    fn stop_with(mut self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} {}", self.pid());
        self.expect_exit_0(&format!("after SIG{signal}"), WAIT);
    }

    fn expect_exit_0(&mut self, when: &str, bound: Duration) {
        let status = self.wait_exit(bound);
        let output = self.output();
        match status {
            Some(status) => assert_eq!(
                status.code(),
                Some(0),
                "{} {when}: {status}\n{output}",
                self.name
            ),
            None => panic!(
                "{} did not exit {when} within {bound:?}\n{output}",
                self.name
            ),
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `pyblish_probe.py MODE URL ARGS...` to the end; it must pass every check.
fn probe(mode: &str, url: &str, args: &[&str]) -> String {
    let mut cmd = Command::new("python3");
    cmd.arg("-u")
        .arg(python_script("pyblish_probe.py"))
        .arg(mode)
        .arg(url)
        .args(args);
    let mut p = Proc::spawn(&format!("probe {mode}"), cmd);
    let status = p.wait_exit(PROBE_WAIT);
    let output = p.output();
    match status {
        Some(status) => assert!(
            status.success(),
            "probe {mode} failed ({status}):\n{output}"
        ),
        None => panic!("probe {mode} still running after {PROBE_WAIT:?}\n{output}"),
    }
    output
}

fn start_ui(side: Side) -> (Proc, String, u16) {
    let mut cmd = command(side, "ui");
    cmd.args(["--listen", "127.0.0.1:0", "--secret", SECRET]);
    let ui = Proc::spawn(&format!("{side:?} UI"), cmd);
    let (url, port) = ui.listening("/");
    (ui, url, port)
}

fn start_host(side: Side, ui_port: u16, secret: Option<&str>) -> (Proc, String, u16) {
    let mut cmd = command(side, "host");
    cmd.args(["--listen", "127.0.0.1:0", "--ui-port", &ui_port.to_string()])
        .args(["--heartbeat-ms", &HEARTBEAT_MS.to_string()])
        .args(["--process-delay-ms", &PROCESS_DELAY_MS.to_string()]);
    if let Some(secret) = secret {
        cmd.args(["--secret", secret]);
    }
    let host = Proc::spawn(&format!("{side:?} host"), cmd);
    let (url, port) = host.listening("/pyblish");
    (host, url, port)
}

fn pairing(host_side: Side, ui_side: Side, ui_quits: bool) {
    let (ui, ui_url, ui_port) = start_ui(ui_side);
    let (host, host_url, host_port) = start_host(host_side, ui_port, Some(SECRET));

    // The handshake: the host shows the UI, which then asks the host for its state.
    let shown = format!("show from {host_port} title ");
    let (_, line) = ui.wait_line(0, &shown, |l| l.starts_with(&shown));
    assert!(
        !line.ends_with(" title -"),
        "the host sends settings: {line:?}"
    );
    host.wait_exact("ui show ok: true");
    ui.wait_exact(&format!("host ping ok: {GREETING}"));
    ui.wait_exact("host discover ok: 3 plugins");
    ui.wait_exact("host context ok: 2 instances");
    for method in ["ping", "discover", "context"] {
        host.wait_exact(&format!("call {method}"));
    }
    let beat = format!("heartbeat from {host_port}");
    ui.wait_exact(&beat);
    host.wait_exact("ui heartbeat ok");

    // Every host method as Python calls it, with the secret; and the secret check.
    probe("host", &host_url, &["--secret", SECRET]);
    host.wait_exact("emit published (count, comment)");
    host.wait_exact("emit validated ()");

    // A long `process` call: other calls are served meanwhile, and heartbeats go on.
    let mark = host.line_count();
    probe("slow", &host_url, &["--secret", SECRET]);
    let done = Instant::now();
    let (i, _) = host.wait_line(mark, "`call process`", |l| l == "call process");
    let (started, _) = host.line_at(i);
    let during = ui.count(|t, l| t > started && t < done && l == beat);
    assert!(
        during >= 3,
        "{during} heartbeats during a {PROCESS_DELAY_MS} ms process call, one every {HEARTBEAT_MS} ms\n{}\n{}",
        host.output(),
        ui.output()
    );

    // The UI methods, as a host calls them; `show` again starts the calls back once more.
    let contexts = ui.count(|_, l| l == "host context ok: 2 instances");
    probe("ui", &ui_url, &["--host-port", &host_port.to_string()]);
    ui.wait_exact("heartbeat from 54321");
    ui.wait_exact("hide");
    ui.wait_exact(&format!("show from {host_port} title -"));
    ui.wait_line(0, "`find_available_port ...`", |l| {
        l.starts_with("find_available_port ")
    });
    ui.wait_until("a second `host context ok`", || {
        ui.count(|_, l| l == "host context ok: 2 instances") > contexts
    });

    host.terminate();
    let mut ui = ui;
    if ui_quits {
        probe("quit", &ui_url, &[]);
        ui.wait_exact("quit");
        ui.expect_exit_0("after quit", QUIT_BOUND);
    } else {
        ui.terminate();
    }
}

#[test]
fn rust_host_with_python_ui() {
    pairing(Side::Rust, Side::Python, true);
}

#[test]
fn python_host_with_rust_ui() {
    pairing(Side::Python, Side::Rust, true);
}

#[test]
fn rust_host_with_rust_ui() {
    pairing(Side::Rust, Side::Rust, false);
}

/// The Python counterparts agree with each other, so a failing pairing above points at the
/// Rust side.
#[test]
fn python_host_with_python_ui() {
    pairing(Side::Python, Side::Python, false);
}

/// Without `--secret` anyone may call; a host whose UI is not there keeps serving and
/// reports the failed calls; SIGINT stops it as SIGTERM does.
#[test]
fn rust_host_without_secret_or_ui() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let ui_port = closed.local_addr().expect("local_addr").port();
    drop(closed);
    let (host, host_url, _) = start_host(Side::Rust, ui_port, None);
    host.wait_line(0, "`ui show failed: ...`", |l| {
        l.starts_with("ui show failed: ")
    });
    host.wait_line(0, "`ui heartbeat failed: ...`", |l| {
        l.starts_with("ui heartbeat failed: ")
    });
    probe("host", &host_url, &[]);
    host.stop_with("INT");
}
