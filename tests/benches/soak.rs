//! Overload and soak run against a server in its own process (not a test: run it by hand).
//!
//! ```text
//! cargo bench -p rpc-tests --bench soak -- [--minutes M] [--interval-secs S] [--skip-overload]
//! ```
//!
//! It starts itself a second time as the server (`soak serve`), so the server's memory and
//! file descriptors are read from `/proc/PID/` without the load generator's. Then:
//!
//! 1. **Overload**: the server admits 16 calls at once (`max_in_flight`); 160 concurrent
//!    `sleep(1000)` calls (10x capacity) arrive together. Calls within capacity must succeed
//!    in about a second; the rest must get a fast 503.
//! 2. **Soak**: for `--minutes` (30 by default), 8 workers send a mix of valid calls (small
//!    and 56 KB echoes), faults, oversized bodies (413) and clients that vanish mid-request.
//!    Every `--interval-secs` (60) it prints calls per second, p50 and p99 latency of the valid
//!    calls, the server's RSS, open file descriptors and threads.
//!
//! At the end it prints the RSS growth after the first interval and p99 of the last interval
//! against the first.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rpc_runtime::server::Server;
use rpc_runtime::{ErrorKind, Fault, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

/// What the soak server answers.
#[rpc_runtime::service]
pub trait Soak {
    /// Returns its argument.
    async fn echo(&self, value: Value) -> Value;
    /// Waits `ms` milliseconds, then returns it.
    async fn sleep(&self, ms: u64) -> u64;
    /// Answers a fault with this code and message.
    async fn fault(&self, code: i32, message: String) -> Result<(), Fault>;
}

struct Imp;

impl Soak for Imp {
    async fn echo(&self, value: Value) -> Value {
        value
    }
    async fn sleep(&self, ms: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(ms.min(10_000))).await;
        ms
    }
    async fn fault(&self, code: i32, message: String) -> Result<(), Fault> {
        Err(Fault::new(code, message))
    }
}

const MAX_IN_FLIGHT: usize = 16;

fn serve() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let server = Server::builder()
            .service(SoakServer::new(Imp))
            .max_in_flight(MAX_IN_FLIGHT)
            .bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!("listening on http://{}/RPC2", server.local_addr());
        let stop = async {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("SIGTERM handler");
            term.recv().await;
        };
        server.serve_with_shutdown(stop).await.expect("serve");
    });
}

struct ServerProcess {
    child: Child,
    url: String,
    addr: String,
}

impl ServerProcess {
    fn start() -> ServerProcess {
        let exe = std::env::current_exe().expect("own path");
        let mut child = Command::new(exe)
            .arg("serve")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server process");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("server's first line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("listening line")
            .to_owned();
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches("/RPC2")
            .to_owned();
        ServerProcess { child, url, addr }
    }

    fn status(&self, key: &str) -> u64 {
        let text = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("server /proc status");
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    fn fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn overload(server: &ServerProcess) {
    let client = SoakClient::new(&server.url).expect("client");
    let n = MAX_IN_FLIGHT * 10;
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let mut tasks = Vec::new();
    for _ in 0..n {
        let client = client.clone();
        let barrier = Arc::clone(&barrier);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let start = Instant::now();
            let result = client.sleep(1000).await;
            (start.elapsed(), result)
        }));
    }
    let (mut ok, mut shed, mut other) = (Vec::new(), Vec::new(), 0usize);
    for t in tasks {
        let (took, result) = t.await.expect("task");
        match result {
            Ok(1000) => ok.push(took),
            Err(e) if e.kind() == ErrorKind::Http && e.status() == Some(503) => shed.push(took),
            _ => other += 1,
        }
    }
    ok.sort();
    shed.sort();
    println!("overload: {n} concurrent sleep(1000) calls, capacity {MAX_IN_FLIGHT}");
    println!(
        "  admitted {:>4}: p50 {:?}, max {:?}",
        ok.len(),
        percentile(&ok, 0.5),
        ok.last().copied().unwrap_or_default()
    );
    println!(
        "  503      {:>4}: p50 {:?}, p99 {:?}, max {:?}",
        shed.len(),
        percentile(&shed, 0.5),
        percentile(&shed, 0.99),
        shed.last().copied().unwrap_or_default()
    );
    println!("  other    {other:>4}");
    // After the storm, capacity is back.
    let after = client.sleep(1).await;
    println!("  a call after the storm: {after:?}");
}

#[derive(Default)]
struct Counters {
    valid: AtomicU64,
    faults: AtomicU64,
    rejected: AtomicU64,
    vanished: AtomicU64,
    errors: AtomicU64,
}

async fn raw_oversized(addr: &str) -> bool {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return false;
    };
    let head = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        100 * 1024 * 1024
    );
    if s.write_all(head.as_bytes()).await.is_err() {
        return false;
    }
    let mut buf = [0u8; 64];
    match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
        Ok(Ok(n)) => buf[..n].starts_with(b"HTTP/1.1 413"),
        _ => false,
    }
}

async fn raw_vanish(addr: &str, body: &[u8]) -> bool {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return false;
    };
    let head = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let ok = s.write_all(head.as_bytes()).await.is_ok()
        && s.write_all(&body[..body.len() / 2]).await.is_ok();
    drop(s);
    ok
}

async fn worker(
    id: u64,
    server_url: String,
    addr: String,
    medium: Arc<Value>,
    deadline: Instant,
    latencies: Arc<Mutex<Vec<Duration>>>,
    counters: Arc<Counters>,
) {
    let client = SoakClient::new(&server_url).expect("client");
    let small = Value::Struct(
        [
            ("name", Value::from("soak <&>")),
            ("id", Value::Int(7)),
            (
                "tags",
                Value::Array(vec![Value::from("a"), Value::from("b")]),
            ),
        ]
        .into_iter()
        .collect(),
    );
    let body = {
        let mut w = rpc_runtime::CallWriter::new("echo").expect("name");
        w.param(&small, &rpc_runtime::Config::DEFAULT)
            .expect("param");
        w.finish()
    };
    let mut i = id;
    while Instant::now() < deadline {
        i = i
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let pick = (i >> 33) % 100;
        let start = Instant::now();
        // Each exchange either went as its kind should (counted under that kind) or not.
        let counted = match pick {
            0..80 => {
                let items = if pick < 70 {
                    small.clone()
                } else {
                    (*medium).clone()
                };
                let ok = client.echo(items).await.is_ok();
                // Latency is recorded for the valid calls only.
                if ok {
                    latencies.lock().await.push(start.elapsed());
                }
                ok.then_some(&counters.valid)
            }
            80..90 => match client.fault(4, "Too many parameters.".into()).await {
                Err(rpc_runtime::CallError::Fault(f)) if f.code == 4 => Some(&counters.faults),
                _ => None,
            },
            90..95 => raw_oversized(&addr).await.then_some(&counters.rejected),
            _ => raw_vanish(&addr, &body).await.then_some(&counters.vanished),
        };
        counted
            .unwrap_or(&counters.errors)
            .fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

async fn soak(server: &ServerProcess, minutes: u64, interval: Duration) {
    let medium_xml = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rpc-runtime/benches/data/medium.xml"
    ))
    .expect("medium payload");
    let call = rpc_runtime::parse_call(&medium_xml, &rpc_runtime::Config::DEFAULT).expect("call");
    let mut params = call.params;
    let medium = Arc::new(params.next::<Value>().expect("medium value"));
    let deadline = Instant::now() + Duration::from_secs(minutes * 60);
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let counters = Arc::new(Counters::default());
    let mut workers = Vec::new();
    for id in 0..8 {
        workers.push(tokio::spawn(worker(
            id + 1,
            server.url.clone(),
            server.addr.clone(),
            Arc::clone(&medium),
            deadline,
            Arc::clone(&latencies),
            Arc::clone(&counters),
        )));
    }
    println!(
        "soak: {minutes} min, 8 workers; every {}s: valid calls/s, p50, p99, server RSS, fds, threads",
        interval.as_secs()
    );
    println!(
        "   t(s)  calls/s      p50       p99   RSS(KiB)  fds thr  faults 413s vanished errors"
    );
    let started = Instant::now();
    let mut first: Option<(u64, Duration)> = None;
    let mut last = (0u64, Duration::ZERO);
    let mut prev_valid = 0u64;
    while Instant::now() < deadline {
        tokio::time::sleep(interval.min(deadline.saturating_duration_since(Instant::now()))).await;
        let mut window = std::mem::take(&mut *latencies.lock().await);
        window.sort();
        let valid = counters.valid.load(Ordering::Relaxed);
        let rate = (valid - prev_valid) as f64 / interval.as_secs_f64();
        prev_valid = valid;
        let rss = server.status("VmRSS:");
        let p99 = percentile(&window, 0.99);
        println!(
            "{:>7} {:>8.0} {:>8.2?} {:>9.2?} {:>10} {:>4} {:>3} {:>7} {:>4} {:>8} {:>6}",
            started.elapsed().as_secs(),
            rate,
            percentile(&window, 0.5),
            p99,
            rss,
            server.fds(),
            server.status("Threads:"),
            counters.faults.load(Ordering::Relaxed),
            counters.rejected.load(Ordering::Relaxed),
            counters.vanished.load(Ordering::Relaxed),
            counters.errors.load(Ordering::Relaxed),
        );
        if first.is_none() {
            first = Some((rss, p99));
        }
        last = (rss, p99);
    }
    for w in workers {
        w.await.expect("worker");
    }
    if let Some((rss0, p990)) = first {
        println!(
            "RSS after the first interval {rss0} KiB, at the end {} KiB: growth {:+.1}%",
            last.0,
            (last.0 as f64 / rss0.max(1) as f64 - 1.0) * 100.0
        );
        println!(
            "p99 first interval {p990:?}, last {:?}: {:.2}x",
            last.1,
            last.1.as_secs_f64() / p990.as_secs_f64().max(1e-9)
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve") {
        serve();
        return;
    }
    let mut minutes = 30;
    let mut interval = 60;
    let mut skip_overload = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--minutes" => minutes = it.next().and_then(|v| v.parse().ok()).unwrap_or(minutes),
            "--interval-secs" => {
                interval = it.next().and_then(|v| v.parse().ok()).unwrap_or(interval);
            }
            "--skip-overload" => skip_overload = true,
            // cargo bench passes --bench; other flags are not ours.
            _ => {}
        }
    }
    let server = ServerProcess::start();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        if !skip_overload {
            overload(&server).await;
        }
        soak(&server, minutes, Duration::from_secs(interval.max(1))).await;
    });
}
