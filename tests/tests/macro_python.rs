//! Generated code against Python's `xmlrpc`: `ServerProxy` calls a generated server, and a
//! generated client calls a `SimpleXMLRPCServer`. Python runs as a subprocess with a
//! deadline and is stopped by PID.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rpc_runtime::server::Server;
use rpc_runtime::{Binary, CallError, DateTime, ErrorKind, Fault, FromFault, IntoFault};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

const DEADLINE: Duration = Duration::from_secs(60);

/// The typed error of `div`.
#[derive(Debug, PartialEq)]
pub enum MathError {
    /// Code 1.
    DivisionByZero,
}

impl IntoFault for MathError {
    fn into_fault(self) -> Fault {
        Fault::new(1, "division by zero")
    }
}

impl FromFault for MathError {
    fn from_fault(fault: Fault) -> Result<Self, Fault> {
        if fault.code == 1 {
            Ok(MathError::DivisionByZero)
        } else {
            Err(fault)
        }
    }
}

/// Window settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The title.
    pub title: String,
    /// Width and height.
    #[serde(default)]
    pub size: Vec<u32>,
}

/// The calculator of the macro's documentation.
#[rpc_runtime::service(namespace = "math")]
pub trait Calculator {
    /// Adds two numbers.
    async fn add(&self, a: i32, b: i32) -> i32;
    /// Divides, refusing zero.
    async fn div(&self, a: f64, b: f64) -> Result<f64, MathError>;
    /// The sum of a list.
    #[rpc(name = "sum", aliases = ["plus"])]
    fn total(&self, xs: Vec<i64>) -> i64;
    /// Describes the window it would show.
    async fn show(&self, port: u16, settings: Option<Settings>) -> String;
    /// Returns nothing.
    async fn nothing(&self);
    /// A number past 32 bits.
    async fn big(&self) -> i64;
    /// Echoes a date and bytes.
    async fn stamp(&self, when: DateTime, data: Binary) -> (DateTime, Binary);
}

struct Calc;

impl Calculator for Calc {
    async fn add(&self, a: i32, b: i32) -> i32 {
        a + b
    }
    async fn div(&self, a: f64, b: f64) -> Result<f64, MathError> {
        if b == 0.0 {
            Err(MathError::DivisionByZero)
        } else {
            Ok(a / b)
        }
    }
    fn total(&self, xs: Vec<i64>) -> i64 {
        xs.iter().sum()
    }
    async fn show(&self, port: u16, settings: Option<Settings>) -> String {
        match settings {
            Some(s) => format!("{port} {} {:?}", s.title, s.size),
            None => format!("{port} default"),
        }
    }
    async fn nothing(&self) {}
    async fn big(&self) -> i64 {
        9_007_199_254_740_993
    }
    async fn stamp(&self, when: DateTime, data: Binary) -> (DateTime, Binary) {
        (when, data)
    }
}

/// Kills the child by PID when dropped, so no Python outlives a failed test.
struct Python(Child);

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `script` with `args`, waits at most [`DEADLINE`], returns (success, stdout, stderr).
fn run_python(script: &str, args: &[&str]) -> (bool, String, String) {
    let child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut python = Python(child);
    let mut stdout = python.0.stdout.take().expect("piped");
    let mut stderr = python.0.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = python.0.try_wait().expect("wait") {
            break Some(status);
        }
        if start.elapsed() > DEADLINE {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let ok = status.is_some_and(|s| s.success());
    drop(python);
    (
        ok,
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    )
}

const PY_CLIENT: &str = r#"
import sys, xmlrpc.client
from xmlrpc.client import ServerProxy, Fault, DateTime, Binary
p = ServerProxy(sys.argv[1])
assert p.math.add(5, 10) == 15
assert p.math.div(1.0, 4.0) == 0.25
try:
    p.math.div(1.0, 0.0)
    raise SystemExit("no fault")
except Fault as f:
    assert f.faultCode == 1 and f.faultString == "division by zero", f
assert p.math.sum([1, 2, 3]) == 6
assert p.plus([4, 5]) == 9
# The trailing Option parameter may be left out, or sent.
assert p.math.show(8080) == "8080 default"
assert p.math.show(8080, {"title": "t <&>", "size": [3, 4]}) == "8080 t <&> [3, 4]"
p2 = ServerProxy(sys.argv[1], allow_none=True)
assert p2.math.show(1, None) == "1 default"
assert p.math.nothing() is None
assert p.math.big() == 9007199254740993
when, data = p.math.stamp(DateTime("19980717T14:08:55"), Binary(bytes(range(256)) * 3))
assert when.value == "19980717T14:08:55", when
assert data.data == bytes(range(256)) * 3
try:
    p.math.add(1)
    raise SystemExit("no fault")
except Fault as f:
    assert f.faultCode == -32602, f
try:
    p.math.add("a", 2)
    raise SystemExit("no fault")
except Fault as f:
    assert f.faultCode == -32602, f
methods = p.system.listMethods()
for m in ["math.add", "math.div", "math.sum", "plus", "math.show", "math.nothing"]:
    assert m in methods, (m, methods)
assert p.system.methodHelp("math.add") == "Adds two numbers.", p.system.methodHelp("math.add")
assert p.system.methodSignature("math.add") == [["int", "int", "int"]]
assert p.system.methodSignature("math.sum") == [["int", "array"]]
assert p.system.methodSignature("math.show") == [["string", "int", "struct"]]
assert p.system.methodSignature("math.stamp") == [["array", "dateTime.iso8601", "base64"]]
print("ok")
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_calls_a_generated_server() {
    let bound = Server::builder()
        .service(CalculatorServer::new(Calc))
        .bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/", bound.local_addr());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(bound.serve_with_shutdown(async {
        let _ = stopped.await;
    }));
    let (ok, out, err) = tokio::task::spawn_blocking(move || run_python(PY_CLIENT, &[&url]))
        .await
        .unwrap();
    let _ = stop.send(());
    let stopped = tokio::time::timeout(Duration::from_secs(10), task).await;
    assert!(ok, "python failed:\nstdout: {out}\nstderr: {err}");
    assert_eq!(out.trim(), "ok");
    assert!(matches!(stopped, Ok(Ok(Ok(())))));
}

const PY_SERVER: &str = r#"
import sys
from xmlrpc.server import SimpleXMLRPCServer
from xmlrpc.client import Fault
server = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True)
def add(a, b): return a + b
def div(a, b): return a / b
def count_args(*args): return len(args)
def echo(x): return x
def fault(): raise Fault(42, "custom <&>")
def other_fault(): raise Fault(7, "not ours")
def show(port, settings=None):
    return "%d %s" % (port, "default" if settings is None else settings["title"])
for f in [add, div, count_args, echo, fault, other_fault, show]:
    server.register_function(f)
server.register_introspection_functions()
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

/// Python's error for `fault()`.
#[derive(Debug, PartialEq)]
pub struct Custom(String);

impl FromFault for Custom {
    fn from_fault(fault: Fault) -> Result<Self, Fault> {
        if fault.code == 42 {
            Ok(Custom(fault.string))
        } else {
            Err(fault)
        }
    }
}

/// A record Python echoes back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// A name.
    pub name: String,
    /// A number past 32 bits is refused by Python, so this stays small.
    pub id: i32,
    /// Absent until set.
    pub note: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
}

/// The Python server, seen from Rust.
#[rpc_runtime::service(client)]
pub trait PyPeer {
    /// `a + b`.
    async fn add(&self, a: i32, b: i32) -> i32;
    /// `a / b`: Python faults on zero.
    async fn div(&self, a: f64, b: f64) -> Result<f64, Fault>;
    /// How many arguments arrived.
    async fn count_args(&self, a: i32, b: Option<i32>, c: Option<i32>) -> i32;
    /// A record back.
    #[rpc(name = "echo")]
    async fn echo_record(&self, r: Record) -> Record;
    /// A date back.
    #[rpc(name = "echo")]
    async fn echo_date(&self, d: DateTime) -> DateTime;
    /// Raises `Fault(42, ..)`.
    async fn fault(&self) -> Result<(), Custom>;
    /// Raises `Fault(7, ..)`, which `Custom` does not recognise.
    async fn other_fault(&self) -> Result<(), Custom>;
    /// Not registered.
    async fn nosuch(&self) -> i32;
    /// A Python function with a keyword default.
    async fn show(&self, port: u16, settings: Option<Record>) -> String;
    /// Introspection.
    #[rpc(name = "system.listMethods")]
    fn list_methods(&self) -> Vec<String>;
}

fn start_python_server() -> (Python, u16) {
    let child = Command::new("python3")
        .arg("-c")
        .arg(PY_SERVER)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 runs");
    let mut python = Python(child);
    let stdout = python.0.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(DEADLINE).expect("python printed its port");
    let port = line.trim().parse().expect("a port number");
    (python, port)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_client_calls_python() {
    let (python, port) = start_python_server();
    let url = format!("http://127.0.0.1:{port}/RPC2");
    let client = PyPeerClient::new(&url).unwrap();

    assert_eq!(client.add(5, 10).await.unwrap(), 15);
    assert_eq!(client.div(1.0, 4.0).await.unwrap(), 0.25);
    match client.div(1.0, 0.0).await {
        Err(CallError::Fault(f)) => {
            assert_eq!(f.code, 1);
            assert_eq!(
                f.string,
                "<class 'ZeroDivisionError'>:float division by zero"
            );
        }
        other => panic!("expected Python's fault, got {other:?}"),
    }
    assert_eq!(client.count_args(1, None, None).await.unwrap(), 1);
    assert_eq!(client.count_args(1, Some(2), None).await.unwrap(), 2);
    assert_eq!(client.count_args(1, None, Some(3)).await.unwrap(), 3);
    let record = Record {
        name: "a <&> b".to_owned(),
        id: 7,
        note: None,
        tags: vec!["x".to_owned(), String::new()],
    };
    assert_eq!(client.echo_record(record.clone()).await.unwrap(), record);
    let date = DateTime::new(1998, 7, 17, 14, 8, 55).unwrap();
    assert_eq!(client.echo_date(date).await.unwrap(), date);
    match client.fault().await {
        Err(CallError::Fault(c)) => assert_eq!(c, Custom("custom <&>".to_owned())),
        other => panic!("expected the typed fault, got {other:?}"),
    }
    match client.other_fault().await {
        Err(CallError::Rpc(e)) => {
            assert_eq!(e.kind(), ErrorKind::Fault);
            assert_eq!(e.fault(), Some(&Fault::new(7, "not ours")));
        }
        other => panic!("expected an unrecognised fault, got {other:?}"),
    }
    let error = client.nosuch().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Fault);
    assert_eq!(error.fault().map(|f| f.code), Some(1));
    // `show(port)` uses Python's default for the left-out keyword argument.
    assert_eq!(client.show(9, None).await.unwrap(), "9 default");

    let blocking_url = url.clone();
    let (methods, sum) = tokio::task::spawn_blocking(move || {
        let client = PyPeerBlockingClient::new(&blocking_url).unwrap();
        (client.list_methods().unwrap(), client.add(2, 2).unwrap())
    })
    .await
    .unwrap();
    assert!(methods.iter().any(|m| m == "count_args"), "{methods:?}");
    assert_eq!(sum, 4);
    drop(python);
}
