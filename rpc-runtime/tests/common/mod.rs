//! Shared by the server and client tests: a hand-written service, a server runner, and a
//! raw HTTP/1.1 client over tokio sockets.
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rpc_runtime::server::{Server, ServerBuilder};
use rpc_runtime::service::CallFuture;
use rpc_runtime::{Context, Fault, MethodInfo, Params, Service, to_vec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// What the test service records.
#[derive(Default)]
pub struct Probe {
    /// Calls started (any method).
    pub calls: AtomicUsize,
    /// Peers seen by `whoami`, `add` and `echo` calls.
    pub peers: Mutex<Vec<SocketAddr>>,
    /// Set when a `sleep` handler future is dropped before it finished.
    pub sleep_dropped: AtomicBool,
    /// Set when a `sleep` handler finished.
    pub sleep_finished: AtomicBool,
}

/// add/echo/sleep/panic/fault/whoami, written by hand against `rpc_runtime::Service`.
pub struct TestService {
    pub probe: Arc<Probe>,
}

impl TestService {
    pub fn new() -> (TestService, Arc<Probe>) {
        let probe = Arc::new(Probe::default());
        (
            TestService {
                probe: Arc::clone(&probe),
            },
            probe,
        )
    }
}

fn sig_add() -> Vec<&'static str> {
    vec!["int", "int", "int"]
}
fn sig_none() -> Vec<&'static str> {
    Vec::new()
}
fn sig_sleep() -> Vec<&'static str> {
    vec!["int", "int"]
}

fn ready<T: serde::Serialize + Send + 'static>(v: T) -> CallFuture {
    Box::pin(async move { to_vec(&v).map_err(|e| e.to_fault()) })
}

struct DropFlag(Arc<Probe>, bool);
impl Drop for DropFlag {
    fn drop(&mut self) {
        if !self.1 {
            self.0.sleep_dropped.store(true, Ordering::SeqCst);
        }
    }
}

impl Service for TestService {
    fn methods(&self) -> Vec<MethodInfo> {
        vec![
            MethodInfo {
                name: "add",
                aliases: &["plus"],
                help: "Adds two integers.",
                signature: sig_add,
            },
            MethodInfo {
                name: "echo",
                aliases: &[],
                help: "Returns its parameter.",
                signature: sig_none,
            },
            MethodInfo {
                name: "sleep",
                aliases: &[],
                help: "Sleeps for the given milliseconds, then returns them.",
                signature: sig_sleep,
            },
            MethodInfo {
                name: "busy",
                aliases: &[],
                help: "Never finishes, and always has work ready: it only yields when tokio's cooperative budget runs out.",
                signature: sig_none,
            },
            MethodInfo {
                name: "panic",
                aliases: &[],
                help: "",
                signature: sig_none,
            },
            MethodInfo {
                name: "fault",
                aliases: &[],
                help: "",
                signature: sig_none,
            },
            MethodInfo {
                name: "whoami",
                aliases: &[],
                help: "",
                signature: sig_none,
            },
        ]
    }

    fn call(
        self: Arc<Self>,
        method: &str,
        mut params: Params<'_>,
    ) -> Option<Result<CallFuture, Fault>> {
        self.probe.calls.fetch_add(1, Ordering::SeqCst);
        if let Some(ctx) = Context::try_current()
            && let Some(peer) = ctx.peer_addr()
        {
            self.probe.peers.lock().unwrap().push(peer);
        }
        macro_rules! arg {
            () => {
                match params.next() {
                    Ok(v) => v,
                    Err(e) => return Some(Err(e.to_fault())),
                }
            };
        }
        macro_rules! done {
            () => {
                if let Err(e) = params.finish() {
                    return Some(Err(e.to_fault()));
                }
            };
        }
        Some(Ok(match method {
            "add" | "plus" => {
                let a: i32 = arg!();
                let b: i32 = arg!();
                done!();
                ready(a.wrapping_add(b))
            }
            "echo" => {
                let v: rpc_runtime::Value = arg!();
                done!();
                ready(v)
            }
            "sleep" => {
                let ms: i32 = arg!();
                done!();
                let probe = Arc::clone(&self.probe);
                Box::pin(async move {
                    let mut flag = DropFlag(Arc::clone(&probe), false);
                    tokio::time::sleep(Duration::from_millis(ms as u64)).await;
                    flag.1 = true;
                    probe.sleep_finished.store(true, Ordering::SeqCst);
                    to_vec(&ms).map_err(|e| e.to_fault())
                })
            }
            "busy" => {
                done!();
                Box::pin(async move {
                    loop {
                        tokio::task::coop::consume_budget().await;
                    }
                })
            }
            "panic" => {
                done!();
                Box::pin(async move { panic!("secret internal detail") })
            }
            "fault" => {
                done!();
                return Some(Err(Fault::new(42, "custom fault <&>")));
            }
            "whoami" => {
                done!();
                Box::pin(async move {
                    let ctx = Context::current();
                    let peer = ctx.peer_addr().map(|p| p.to_string()).unwrap_or_default();
                    let header = ctx
                        .headers()
                        .get("x-test")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    let method = ctx.method().to_owned();
                    to_vec(&(peer, header, method)).map_err(|e| e.to_fault())
                })
            }
            _ => return None,
        }))
    }
}

/// A server running in the background.
pub struct Running {
    pub addr: SocketAddr,
    pub probe: Arc<Probe>,
    stop: Option<oneshot::Sender<()>>,
    pub task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Signals shutdown.
    pub fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/RPC2", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
        self.task.abort();
    }
}

/// Starts a server with the test service plus whatever `configure` adds.
pub async fn start(configure: impl FnOnce(ServerBuilder) -> ServerBuilder) -> Running {
    let (svc, probe) = TestService::new();
    let builder = configure(Server::builder().service(svc));
    let server = builder.bind("127.0.0.1:0").await.expect("bind");
    let addr = server.local_addr();
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(server.serve_with_shutdown(async move {
        let _ = rx.await;
    }));
    Running {
        addr,
        probe,
        stop: Some(tx),
        task,
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The body as a `<methodResponse>` holding a result (not a fault).
    pub fn result<T: serde::de::DeserializeOwned>(&self) -> T {
        rpc_runtime::parse_response(&self.body, &Default::default())
            .unwrap()
            .unwrap()
    }
}

/// Reads one response (Content-Length framed) from `stream`, within 10 s.
pub async fn read_response(stream: &mut TcpStream) -> std::io::Result<RawResponse> {
    read_response_to(stream, false).await
}

/// Reads one response head (the answer to a HEAD request), within 10 s.
pub async fn read_head(stream: &mut TcpStream) -> std::io::Result<RawResponse> {
    read_response_to(stream, true).await
}

async fn read_response_to(stream: &mut TcpStream, head_only: bool) -> std::io::Result<RawResponse> {
    tokio::time::timeout(
        Duration::from_secs(10),
        read_response_inner(stream, head_only),
    )
    .await
    .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no response in 10 s"))?
}

async fn read_response_inner(
    stream: &mut TcpStream,
    head_only: bool,
) -> std::io::Result<RawResponse> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "closed before a full head: {:?}",
                    String::from_utf8_lossy(&buf)
                ),
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let len = if head_only { 0 } else { len };
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(len);
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

/// Opens a connection, writes `bytes`, reads one response.
pub async fn raw(addr: SocketAddr, bytes: &[u8]) -> RawResponse {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(bytes).await.expect("write");
    read_response(&mut s).await.expect("response")
}

/// A POST of `body` to `path` with extra header lines (each ending in `\r\n`).
pub fn post(path: &str, extra: &str, body: &[u8]) -> Vec<u8> {
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n{extra}\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    req
}

/// A `<methodCall>` with `<int>` parameters.
pub fn call_ints(method: &str, ints: &[i32]) -> Vec<u8> {
    let mut s = format!(
        "<?xml version='1.0'?>\n<methodCall>\n<methodName>{method}</methodName>\n<params>\n"
    );
    for i in ints {
        s.push_str(&format!(
            "<param>\n<value><int>{i}</int></value>\n</param>\n"
        ));
    }
    s.push_str("</params>\n</methodCall>\n");
    s.into_bytes()
}

/// Waits until the peer closes `stream` (reading and discarding), or `limit` passes.
/// Returns whether it closed.
pub async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}
