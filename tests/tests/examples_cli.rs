//! The command-line convention of the examples that run a server: `--listen ADDR`, the
//! `listening on http://HOST:PORT/PATH` first line, and a graceful exit 0 on SIGINT or
//! SIGTERM, with calls in progress finished first. Python is the client.

use std::time::Duration;

use rpc_tests::{Server, StopStatus, example_path, run_script};

const TIMEOUT: Duration = Duration::from_secs(60);

/// The primer's call, `ServerProxy("http://127.0.0.1:PORT").function(5, 10)`, at the URL
/// without a path (Python posts to `/RPC2`) and at `/`.
const PRIMER_CALL: &str = r#"
import sys
from xmlrpc.client import ServerProxy
origin = sys.argv[1]
print(ServerProxy(origin).function(5, 10))
print(ServerProxy(origin + "/").function(-7, 2))
"#;

#[test]
fn calculator_answers_the_primer_call_and_stops_on_sigint() {
    let mut server = Server::example("calculator", &[]);
    assert!(
        server.url().ends_with('/'),
        "calculator announces {}",
        server.url()
    );
    let out = run_script("python3", &["-c", PRIMER_CALL, server.origin()], TIMEOUT);
    out.assert_success("the primer's Python client");
    assert_eq!(out.stdout.lines().collect::<Vec<_>>(), ["15", "-5"]);
    let status = server.interrupt();
    assert!(
        matches!(status, StopStatus::Exited(s) if s.success()),
        "calculator after SIGINT: {status}"
    );
}

/// SIGTERM while `interop.sleep(4000)` runs: the call still gets its answer and the
/// process exits 0.
const GRACEFUL: &str = r#"
import os, signal, sys, threading, time
from xmlrpc.client import ServerProxy
url, pid = sys.argv[1], int(sys.argv[2])
result = {}
def slow():
    try:
        result["slow"] = ServerProxy(url).interop.sleep(4000)
    except Exception as e:
        result["slow"] = repr(e)
t = threading.Thread(target=slow)
t.start()
time.sleep(1.5)
os.kill(pid, signal.SIGTERM)
t.join(30)
print(result.get("slow"))
"#;

#[test]
fn interop_server_finishes_calls_in_progress_on_sigterm() {
    let mut server = Server::example("interop_server", &[]);
    let pid = server.pid().to_string();
    let out = run_script("python3", &["-c", GRACEFUL, server.url(), &pid], TIMEOUT);
    out.assert_success("the graceful-shutdown client");
    assert_eq!(
        out.stdout.trim(),
        "4000",
        "the call in progress during SIGTERM"
    );
    let status = server.stop();
    assert!(
        matches!(status, StopStatus::Exited(s) if s.success()),
        "interop_server after SIGTERM: {status}"
    );
}

#[test]
fn examples_reject_bad_arguments_and_print_usage() {
    for name in ["calculator", "interop_server"] {
        let path = example_path(name);
        let path = path.to_str().expect("UTF-8 path");
        let out = run_script(path, &["--listen", "not-an-address"], TIMEOUT);
        assert_eq!(
            out.status.and_then(|s| s.code()),
            Some(2),
            "{name} --listen not-an-address: {out:?}"
        );
        assert!(out.stderr.contains("usage:"), "{name}: {}", out.stderr);
        let out = run_script(path, &["--bogus"], TIMEOUT);
        assert_eq!(out.status.and_then(|s| s.code()), Some(2), "{name} --bogus");
        let out = run_script(path, &["--help"], TIMEOUT);
        assert!(out.success(), "{name} --help: {out:?}");
        assert!(
            out.stdout.contains("--listen"),
            "{name} --help: {}",
            out.stdout
        );
    }
}

#[test]
fn listen_accepts_the_equals_form() {
    let server = Server::example("calculator", &["--listen=127.0.0.1:0"]);
    assert!(server.url().starts_with("http://127.0.0.1:"));
    server.stop_and_assert_success();
}

/// The primer's Python server: `function(a, b)` returns `a + b`.
const PRIMER_SERVER: &str = r#"
import signal, sys
from xmlrpc.server import SimpleXMLRPCServer
def function(a, b):
    return a + b
server = SimpleXMLRPCServer(("127.0.0.1", 0), allow_none=True, logRequests=False)
server.register_function(function)
def stop(signum, frame):
    raise SystemExit(0)
signal.signal(signal.SIGTERM, stop)
print("listening on http://127.0.0.1:%d/" % server.server_address[1], flush=True)
try:
    server.serve_forever(poll_interval=0.1)
except SystemExit:
    pass
"#;

/// The README's Rust side of the primer: the calculator trait gives the client too.
#[rpc_runtime::service]
pub trait Calculator {
    /// Returns `a + b`.
    async fn function(&self, a: i64, b: i64) -> Result<i64, rpc_runtime::Fault>;
}

#[tokio::test]
async fn generated_client_calls_the_primer_python_server() {
    let mut cmd = std::process::Command::new("python3");
    cmd.args(["-c", PRIMER_SERVER]);
    let server = Server::start("primer server", cmd);
    let calculator = CalculatorClient::new(server.url()).expect("client");
    assert_eq!(
        calculator.function(5, 10).await.expect("function(5, 10)"),
        15
    );
    assert_eq!(
        calculator.function(-7, 2).await.expect("function(-7, 2)"),
        -5
    );
    // Python cannot answer past 32 bits: its fault comes back as a typed error.
    let err = calculator
        .function(i64::from(i32::MAX), 1)
        .await
        .expect_err("2**31 from Python");
    assert!(err.is_fault(), "{err}");
    server.stop_and_assert_success();
}
