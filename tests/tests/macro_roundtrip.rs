//! A generated client against a generated server over 127.0.0.1: every type, typed faults,
//! omitted trailing options, names, the blocking client, plain `fn` methods and the request
//! context.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rpc_runtime::server::Server;
use rpc_runtime::service::CallFuture;
use rpc_runtime::{
    Binary, CallError, Context, DateTime, ErrorKind, Fault, FromFault, IntoFault, MethodInfo,
    Params, Service, Value,
};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The typed error of `div`.
#[derive(Debug, PartialEq)]
pub enum MathError {
    /// Code 1.
    DivisionByZero,
    /// Code 2, with the operand.
    Negative(i64),
}

impl IntoFault for MathError {
    fn into_fault(self) -> Fault {
        match self {
            MathError::DivisionByZero => Fault::new(1, "division by zero"),
            MathError::Negative(n) => Fault::new(2, n.to_string()),
        }
    }
}

impl FromFault for MathError {
    fn from_fault(fault: Fault) -> Result<Self, Fault> {
        match fault.code {
            1 => Ok(MathError::DivisionByZero),
            2 => match fault.string.parse() {
                Ok(n) => Ok(MathError::Negative(n)),
                Err(_) => Err(fault),
            },
            _ => Err(fault),
        }
    }
}

/// A nested struct with serde attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// Renamed to `displayName`.
    pub display_name: String,
    /// Absent means 0.
    #[serde(default)]
    pub score: i64,
    /// Left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// Nested.
    pub inner: Inner,
    /// Flattened into the record.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Nested in [`Record`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inner {
    /// A list.
    pub tags: Vec<String>,
    /// When.
    pub when: DateTime,
    /// Bytes.
    pub blob: Binary,
}

/// Flattened into [`Record`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extra {
    /// A flag.
    pub active: bool,
}

/// Every shape of enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Shape {
    /// A unit variant: a string.
    Dot,
    /// A newtype variant.
    Circle(f64),
    /// A tuple variant.
    Rect(f64, f64),
    /// A struct variant.
    Named {
        /// The name.
        name: String,
    },
}

/// What `whoami` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Who {
    /// The method name as called.
    pub method: String,
    /// The peer's IP.
    pub peer_ip: String,
    /// The `x-test` header.
    pub header: String,
}

/// Every type, and every kind of method.
#[rpc_runtime::service(namespace = "t")]
pub trait Everything {
    /// Adds two i32.
    async fn add(&self, a: i32, b: i32) -> i32;
    /// Doubles an i64 (past 32 bits).
    async fn double(&self, n: i64) -> i64;
    /// Negates.
    async fn not(&self, b: bool) -> bool;
    /// Echoes a string.
    async fn echo_string(&self, s: String) -> String;
    /// Halves.
    async fn half(&self, x: f64) -> f64;
    /// Echoes a date.
    async fn echo_date(&self, d: DateTime) -> DateTime;
    /// Reverses bytes.
    async fn reverse(&self, b: Binary) -> Binary;
    /// Echoes an option.
    async fn echo_option(&self, o: Option<i32>) -> Option<i32>;
    /// Sums.
    async fn sum(&self, xs: Vec<i64>) -> i64;
    /// Echoes a record.
    async fn echo_record(&self, r: Record) -> Record;
    /// Counts by key.
    async fn count(&self, words: Vec<String>) -> HashMap<String, i32>;
    /// Echoes a shape.
    async fn echo_shape(&self, s: Shape) -> Shape;
    /// Returns nothing.
    async fn touch(&self);
    /// Divides, refusing zero and negatives.
    async fn div(&self, a: i64, b: i64) -> Result<i64, MathError>;
    /// A fault type from the runtime.
    async fn fail(&self, code: i32) -> Result<String, Fault>;
    /// Trailing options: how many were received as `Some`.
    async fn options(&self, a: i32, b: Option<i32>, c: Option<String>) -> String;
    /// Renamed, with an alias outside the namespace.
    #[rpc(name = "math.mul", aliases = ["multiply"])]
    async fn mul(&self, a: i32, b: i32) -> i32;
    /// On the blocking pool.
    fn blocking_sum(&self, xs: Vec<i32>) -> i32;
    /// On the blocking pool, with a typed error.
    fn blocking_div(&self, a: i64, b: i64) -> Result<i64, MathError>;
    /// Reads the context in an async method.
    async fn whoami(&self) -> Who;
    /// Reads the context on the blocking pool.
    fn whoami_blocking(&self) -> Who;
    /// Any value back.
    async fn echo_value(&self, v: Value) -> Value;
    /// Panics on the blocking pool.
    fn explode(&self) -> i32;
}

struct Impl {
    calls: AtomicUsize,
}

fn who() -> Who {
    let context = Context::current();
    Who {
        method: context.method().to_owned(),
        peer_ip: context
            .peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_default(),
        header: context
            .headers()
            .get("x-test")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
    }
}

fn checked_div(a: i64, b: i64) -> Result<i64, MathError> {
    if b == 0 {
        Err(MathError::DivisionByZero)
    } else if a < 0 {
        Err(MathError::Negative(a))
    } else {
        Ok(a / b)
    }
}

impl Everything for Impl {
    async fn add(&self, a: i32, b: i32) -> i32 {
        self.calls.fetch_add(1, Ordering::SeqCst);
        a + b
    }
    async fn double(&self, n: i64) -> i64 {
        n * 2
    }
    async fn not(&self, b: bool) -> bool {
        !b
    }
    async fn echo_string(&self, s: String) -> String {
        s
    }
    async fn half(&self, x: f64) -> f64 {
        x / 2.0
    }
    async fn echo_date(&self, d: DateTime) -> DateTime {
        d
    }
    async fn reverse(&self, b: Binary) -> Binary {
        let mut bytes = b.0;
        bytes.reverse();
        Binary(bytes)
    }
    async fn echo_option(&self, o: Option<i32>) -> Option<i32> {
        o
    }
    async fn sum(&self, xs: Vec<i64>) -> i64 {
        xs.iter().sum()
    }
    async fn echo_record(&self, r: Record) -> Record {
        r
    }
    async fn count(&self, words: Vec<String>) -> HashMap<String, i32> {
        let mut counts = HashMap::new();
        for w in words {
            *counts.entry(w).or_insert(0) += 1;
        }
        counts
    }
    async fn echo_shape(&self, s: Shape) -> Shape {
        s
    }
    async fn touch(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
    async fn div(&self, a: i64, b: i64) -> Result<i64, MathError> {
        checked_div(a, b)
    }
    async fn fail(&self, code: i32) -> Result<String, Fault> {
        Err(Fault::new(code, "failed <&>"))
    }
    async fn options(&self, a: i32, b: Option<i32>, c: Option<String>) -> String {
        format!("{a} {b:?} {c:?}")
    }
    async fn mul(&self, a: i32, b: i32) -> i32 {
        a * b
    }
    fn blocking_sum(&self, xs: Vec<i32>) -> i32 {
        xs.iter().sum()
    }
    fn blocking_div(&self, a: i64, b: i64) -> Result<i64, MathError> {
        checked_div(a, b)
    }
    async fn whoami(&self) -> Who {
        who()
    }
    fn whoami_blocking(&self) -> Who {
        who()
    }
    async fn echo_value(&self, v: Value) -> Value {
        v
    }
    fn explode(&self) -> i32 {
        panic!("exploding on purpose")
    }
}

/// The server's `options` seen with fewer parameters than it takes, and a method the
/// server does not have.
#[rpc_runtime::service(client, namespace = "t")]
pub trait Shorter {
    /// `t.options` with only the required parameter.
    async fn options(&self, a: i32) -> String;
    /// `t.options` with one of the two options.
    #[rpc(name = "options")]
    async fn options2(&self, a: i32, b: Option<i32>) -> String;
    /// Not served.
    async fn missing(&self) -> Result<i32, MathError>;
}

/// Counts the parameters it receives, to see what the client sent.
#[rpc_runtime::service(client)]
pub trait Arity {
    /// Returns how many parameters arrived.
    async fn arity(&self, a: i32, b: Option<i32>, c: Option<i32>) -> i32;
}

/// A hand-written service answering `arity` with the number of parameters received.
struct ArityService;

fn sig_arity() -> Vec<&'static str> {
    vec!["int"]
}

impl Service for ArityService {
    fn methods(&self) -> Vec<MethodInfo> {
        vec![MethodInfo {
            name: "arity",
            aliases: &[],
            help: "",
            signature: sig_arity,
        }]
    }

    fn call(
        self: Arc<Self>,
        method: &str,
        params: Params<'_>,
    ) -> Option<Result<CallFuture, Fault>> {
        if method != "arity" {
            return None;
        }
        Some(match params.into_values() {
            Ok(values) => {
                let n = values.len() as i32;
                let future: CallFuture =
                    Box::pin(async move { rpc_runtime::to_vec(&n).map_err(|e| e.to_fault()) });
                Ok(future)
            }
            Err(e) => Err(e.to_fault()),
        })
    }
}

struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    calls: Arc<EverythingServer<Impl>>,
}

impl Running {
    fn url(&self) -> String {
        format!("http://{}/RPC2", self.addr)
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let result = tokio::time::timeout(std::time::Duration::from_secs(10), task).await;
            assert!(
                matches!(result, Ok(Ok(Ok(())))),
                "server did not stop cleanly"
            );
        }
    }
}

async fn start() -> Running {
    let server = Arc::new(EverythingServer::new(Impl {
        calls: AtomicUsize::new(0),
    }));
    let bound = Server::builder()
        .shared_service(Arc::clone(&server) as Arc<dyn Service>)
        .service(ArityService)
        .bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = bound.local_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(bound.serve_with_shutdown(async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        stop: Some(stop),
        task: Some(task),
        calls: server,
    }
}

fn record() -> Record {
    Record {
        display_name: "Ada <&> Lovelace".to_owned(),
        score: 1 << 40,
        note: None,
        inner: Inner {
            tags: vec!["a".to_owned(), "".to_owned(), " spaced ".to_owned()],
            when: DateTime::new(1998, 7, 17, 14, 8, 55).expect("valid date"),
            blob: Binary(vec![0, 1, 2, 255]),
        },
        extra: Extra { active: true },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_round_trips() {
    let running = start().await;
    let client = EverythingClient::new(&running.url()).expect("client");

    assert_eq!(client.add(2, 3).await.unwrap(), 5);
    assert_eq!(client.add(i32::MAX, 0).await.unwrap(), i32::MAX);
    assert_eq!(client.double(3_000_000_000).await.unwrap(), 6_000_000_000);
    assert_eq!(client.double(-5).await.unwrap(), -10);
    assert!(!client.not(true).await.unwrap());
    assert_eq!(
        client
            .echo_string("a <&> b \"c\" 'd'".to_owned())
            .await
            .unwrap(),
        "a <&> b \"c\" 'd'"
    );
    assert_eq!(client.echo_string(String::new()).await.unwrap(), "");
    assert_eq!(
        client.echo_string("é 中 😀".to_owned()).await.unwrap(),
        "é 中 😀"
    );
    assert_eq!(client.half(1.0).await.unwrap(), 0.5);
    assert_eq!(client.half(1e300).await.unwrap(), 5e299);
    let date = DateTime::new(2020, 1, 2, 3, 4, 5).unwrap();
    assert_eq!(client.echo_date(date).await.unwrap(), date);
    assert_eq!(
        client.reverse(Binary(vec![1, 2, 3])).await.unwrap(),
        Binary(vec![3, 2, 1])
    );
    assert_eq!(
        client.reverse(Binary(Vec::new())).await.unwrap(),
        Binary(Vec::new())
    );
    assert_eq!(client.echo_option(Some(7)).await.unwrap(), Some(7));
    assert_eq!(client.echo_option(None).await.unwrap(), None);
    assert_eq!(
        client.sum(vec![1, 2, 1 << 40]).await.unwrap(),
        3 + (1 << 40)
    );
    assert_eq!(client.sum(Vec::new()).await.unwrap(), 0);
    assert_eq!(client.echo_record(record()).await.unwrap(), record());
    let mut with_note = record();
    with_note.note = Some("noted".to_owned());
    assert_eq!(
        client.echo_record(with_note.clone()).await.unwrap(),
        with_note
    );
    let counts = client
        .count(vec!["x".to_owned(), "y".to_owned(), "x".to_owned()])
        .await
        .unwrap();
    assert_eq!(
        counts,
        HashMap::from([("x".to_owned(), 2), ("y".to_owned(), 1)])
    );
    for shape in [
        Shape::Dot,
        Shape::Circle(1.5),
        Shape::Rect(2.0, 3.0),
        Shape::Named {
            name: "n".to_owned(),
        },
    ] {
        assert_eq!(client.echo_shape(shape.clone()).await.unwrap(), shape);
    }
    client.touch().await.unwrap();
    let mut members = BTreeMap::new();
    members.insert(
        "k".to_owned(),
        Value::Array(vec![Value::Bool(true), Value::Nil, Value::Long(1 << 40)]),
    );
    let value = Value::Struct(members.into_iter().collect());
    assert_eq!(client.echo_value(value.clone()).await.unwrap(), value);

    assert_eq!(running.calls.inner().calls.load(Ordering::SeqCst), 3);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_faults_are_recovered() {
    let running = start().await;
    let client = EverythingClient::new(&running.url()).unwrap();

    assert_eq!(client.div(7, 2).await.unwrap(), 3);
    match client.div(1, 0).await {
        Err(CallError::Fault(e)) => assert_eq!(e, MathError::DivisionByZero),
        other => panic!("expected the typed fault, got {other:?}"),
    }
    match client.div(-4, 2).await {
        Err(CallError::Fault(e)) => assert_eq!(e, MathError::Negative(-4)),
        other => panic!("expected the typed fault, got {other:?}"),
    }
    // A fault the error type does not recognise stays an error of kind Fault.
    let shorter = ShorterClient::new(&running.url()).unwrap();
    match shorter.missing().await {
        Err(CallError::Rpc(e)) => {
            assert_eq!(e.kind(), ErrorKind::Fault);
            assert_eq!(
                e.fault().map(|f| f.code),
                Some(rpc_runtime::fault::METHOD_NOT_FOUND)
            );
        }
        other => panic!("expected an unrecognised fault, got {other:?}"),
    }
    // `Fault` as the error type recovers every fault.
    match client.fail(42).await {
        Err(CallError::Fault(f)) => assert_eq!(f, Fault::new(42, "failed <&>")),
        other => panic!("expected the fault, got {other:?}"),
    }
    // Wrong parameter types are -32602 from the server, as a plain error here.
    let wrong = rpc_runtime::Client::new(&running.url()).unwrap();
    let error = wrong
        .call::<i32>("t.add", ("one", 2))
        .await
        .expect_err("a string is not an int");
    assert_eq!(
        error.fault().map(|f| f.code),
        Some(rpc_runtime::fault::INVALID_PARAMS)
    );
    let error = wrong
        .call::<i32>("t.add", (1, 2, 3))
        .await
        .expect_err("too many");
    assert_eq!(
        error.fault().map(|f| f.code),
        Some(rpc_runtime::fault::INVALID_PARAMS)
    );
    let error = wrong.call::<i32>("t.add", (1,)).await.expect_err("too few");
    assert_eq!(
        error.fault().map(|f| f.code),
        Some(rpc_runtime::fault::INVALID_PARAMS)
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trailing_options_may_be_left_out() {
    let running = start().await;
    let client = EverythingClient::new(&running.url()).unwrap();
    // What the server receives.
    assert_eq!(client.options(1, None, None).await.unwrap(), "1 None None");
    assert_eq!(
        client.options(1, Some(2), None).await.unwrap(),
        "1 Some(2) None"
    );
    assert_eq!(
        client.options(1, None, Some("c".to_owned())).await.unwrap(),
        "1 None Some(\"c\")"
    );
    // A caller that sends fewer parameters.
    let shorter = ShorterClient::new(&running.url()).unwrap();
    assert_eq!(shorter.options(5).await.unwrap(), "5 None None");
    assert_eq!(
        shorter.options2(5, Some(6)).await.unwrap(),
        "5 Some(6) None"
    );
    // What the client sends: trailing `None`s are left out, an inner one is sent as nil.
    let arity = ArityClient::new(&running.url()).unwrap();
    assert_eq!(arity.arity(1, None, None).await.unwrap(), 1);
    assert_eq!(arity.arity(1, Some(2), None).await.unwrap(), 2);
    assert_eq!(arity.arity(1, None, Some(3)).await.unwrap(), 3);
    assert_eq!(arity.arity(1, Some(2), Some(3)).await.unwrap(), 3);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_aliases_and_introspection() {
    let running = start().await;
    let client = EverythingClient::new(&running.url()).unwrap();
    assert_eq!(client.mul(6, 7).await.unwrap(), 42);
    let raw = rpc_runtime::Client::new(&running.url()).unwrap();
    assert_eq!(raw.call::<i32>("t.math.mul", (2, 3)).await.unwrap(), 6);
    assert_eq!(raw.call::<i32>("multiply", (2, 4)).await.unwrap(), 8);
    let error = raw.call::<i32>("mul", (2, 4)).await.unwrap_err();
    assert_eq!(
        error.fault().map(|f| f.code),
        Some(rpc_runtime::fault::METHOD_NOT_FOUND)
    );

    let methods: Vec<String> = raw.call("system.listMethods", ()).await.unwrap();
    for name in ["t.add", "t.math.mul", "t.whoami_blocking", "arity"] {
        assert!(
            methods.iter().any(|m| m == name),
            "{name} missing from {methods:?}"
        );
    }
    let help: String = raw.call("system.methodHelp", ("t.div",)).await.unwrap();
    assert_eq!(help, "Divides, refusing zero and negatives.");
    let cases: [(&str, &[&str]); 10] = [
        ("t.add", &["int", "int", "int"]),
        ("t.not", &["boolean", "boolean"]),
        ("t.half", &["double", "double"]),
        ("t.echo_date", &["dateTime.iso8601", "dateTime.iso8601"]),
        ("t.reverse", &["base64", "base64"]),
        ("t.sum", &["int", "array"]),
        ("t.echo_record", &["struct", "struct"]),
        ("t.touch", &["nil"]),
        ("t.div", &["int", "int", "int"]),
        ("t.echo_shape", &["struct", "struct"]),
    ];
    for (name, expected) in cases {
        let signatures: Vec<Vec<String>> =
            raw.call("system.methodSignature", (name,)).await.unwrap();
        assert_eq!(signatures, vec![expected.to_vec()], "{name}");
    }
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_client_and_blocking_methods() {
    let running = start().await;
    let url = running.url();
    let results = tokio::task::spawn_blocking(move || {
        let client = EverythingBlockingClient::new(&url).unwrap();
        let sum = client.blocking_sum(vec![1, 2, 3]).unwrap();
        let add = client.add(1, 1).unwrap();
        let div = client.blocking_div(9, 3).unwrap();
        let zero = client.blocking_div(9, 0);
        let negative = client.div(-1, 1);
        let options = client.options(1, None, None).unwrap();
        (sum, add, div, zero, negative, options)
    })
    .await
    .unwrap();
    assert_eq!(results.0, 6);
    assert_eq!(results.1, 2);
    assert_eq!(results.2, 3);
    assert!(matches!(
        results.3,
        Err(CallError::Fault(MathError::DivisionByZero))
    ));
    assert!(matches!(
        results.4,
        Err(CallError::Fault(MathError::Negative(-1)))
    ));
    assert_eq!(results.5, "1 None None");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handlers_read_the_context() {
    let running = start().await;
    let inner = rpc_runtime::Client::builder(&running.url())
        .header("x-test", "hello")
        .build()
        .unwrap();
    let client = EverythingClient::from_client(inner);
    let who = client.whoami().await.unwrap();
    assert_eq!(who.method, "t.whoami");
    assert_eq!(who.peer_ip, "127.0.0.1");
    assert_eq!(who.header, "hello");
    let who = client.whoami_blocking().await.unwrap();
    assert_eq!(who.method, "t.whoami_blocking");
    assert_eq!(who.peer_ip, "127.0.0.1");
    assert_eq!(who.header, "hello");

    // A panic on the blocking pool is an internal-error fault, and the server goes on.
    let error = client.explode().await.unwrap_err();
    assert_eq!(
        error.fault().map(|f| f.code),
        Some(rpc_runtime::fault::INTERNAL_ERROR)
    );
    assert_eq!(client.add(1, 2).await.unwrap(), 3);
    running.stop().await;
}

/// A plain `fn` that waits for an `async fn`: it can only finish if it does not hold the
/// runtime's only worker thread.
#[rpc_runtime::service(namespace = "gate")]
pub trait Gate {
    /// Waits (at most 30 s) until `open` is called; returns whether it was.
    fn wait(&self) -> bool;
    /// Opens the gate.
    async fn open(&self);
}

struct GateImpl {
    entered: Arc<std::sync::atomic::AtomicBool>,
    opened: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
    open: std::sync::Mutex<std::sync::mpsc::Sender<()>>,
}

impl Gate for GateImpl {
    fn wait(&self) -> bool {
        let opened = self.opened.lock().unwrap();
        self.entered.store(true, Ordering::SeqCst);
        opened
            .recv_timeout(std::time::Duration::from_secs(30))
            .is_ok()
    }
    async fn open(&self) {
        let _ = self.open.lock().unwrap().send(());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn plain_fn_methods_do_not_hold_a_worker_thread() {
    let (open, opened) = std::sync::mpsc::channel();
    let entered = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let bound = Server::builder()
        .service(GateServer::new(GateImpl {
            entered: Arc::clone(&entered),
            opened: std::sync::Mutex::new(opened),
            open: std::sync::Mutex::new(open),
        }))
        .bind("127.0.0.1:0")
        .await
        .unwrap();
    let url = format!("http://{}/", bound.local_addr());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(bound.serve_with_shutdown(async {
        let _ = stopped.await;
    }));
    let client = GateClient::new(&url).unwrap();
    let waiting = tokio::spawn({
        let client = client.clone();
        async move { client.wait().await }
    });
    client.open().await.unwrap();
    assert!(
        waiting.await.unwrap().unwrap(),
        "the blocking method was never released"
    );
    let _ = stop.send(());
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(10), task).await;
    assert!(matches!(stopped, Ok(Ok(Ok(())))));
}
