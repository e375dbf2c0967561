//! Load benchmark of the HTTP server: `add(5, 10)` through the framework, and through a
//! bare hyper server that reads the body and returns a fixed reply, under the same load
//! (32 keep-alive connections writing the exact bytes of `add(5, 10)` as Python sends it).
//!
//! `cargo bench -p rpc-runtime --bench http` (optional arguments: seconds per round,
//! default 2, and rounds, default 10). The two servers alternate round by round; it prints
//! calls/second of each and their ratio.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::{TokioIo, TokioTimer};
use rpc_runtime::server::Server;
use rpc_runtime::service::CallFuture;
use rpc_runtime::{Fault, MethodInfo, Params, Service, to_vec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// `benches/data/small.xml`: the `add(5, 10)` call as Python's `xmlrpc.client` writes it.
const SMALL_XML: &[u8] = b"<?xml version='1.0'?>\n<methodCall>\n<methodName>add</methodName>\n<params>\n<param>\n<value><int>5</int></value>\n</param>\n<param>\n<value><int>10</int></value>\n</param>\n</params>\n</methodCall>\n";

const CONNECTIONS: usize = 32;

struct Add;

fn sig() -> Vec<&'static str> {
    vec!["int", "int", "int"]
}

impl Service for Add {
    fn methods(&self) -> Vec<MethodInfo> {
        vec![MethodInfo {
            name: "add",
            aliases: &[],
            help: "Adds two integers.",
            signature: sig,
        }]
    }

    fn call(
        self: Arc<Self>,
        method: &str,
        mut params: Params<'_>,
    ) -> Option<Result<CallFuture, Fault>> {
        if method != "add" {
            return None;
        }
        let args = (|| {
            let a: i32 = params.next()?;
            let b: i32 = params.next()?;
            params.finish()?;
            Ok::<_, rpc_runtime::Error>((a, b))
        })();
        Some(match args {
            Ok((a, b)) => Ok(Box::pin(async move {
                to_vec(&(a + b)).map_err(|e| e.to_fault())
            })),
            Err(e) => Err(e.to_fault()),
        })
    }
}

async fn framework_server() -> SocketAddr {
    let server = Server::builder()
        .service(Add)
        .bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = server.local_addr();
    tokio::spawn(server.serve());
    addr
}

async fn bare_server(reply: Bytes) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new());
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let reply = reply.clone();
            let conn = http.serve_connection(
                TokioIo::new(stream),
                hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let reply = reply.clone();
                    async move {
                        let _body = req.into_body().collect().await;
                        let mut res = http::Response::new(Full::new(reply));
                        res.headers_mut().insert(
                            http::header::CONTENT_TYPE,
                            http::HeaderValue::from_static("text/xml"),
                        );
                        Ok::<_, Infallible>(res)
                    }
                }),
            );
            tokio::spawn(conn);
        }
    });
    addr
}

fn request_bytes() -> Vec<u8> {
    let mut req = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\nContent-Type: text/xml\r\nUser-Agent: Python-xmlrpc/3.11\r\nContent-Length: {}\r\n\r\n",
        SMALL_XML.len()
    )
    .into_bytes();
    req.extend_from_slice(SMALL_XML);
    req
}

/// Reads one Content-Length framed response; returns its body.
async fn read_one(s: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<Vec<u8>> {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let status_ok = head.starts_with("HTTP/1.1 200");
            let len: usize = head
                .split("\r\n")
                .find_map(|l| {
                    let (n, v) = l.split_once(':')?;
                    n.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            let total = end + 4 + len;
            while buf.len() < total {
                let n = s.read(&mut chunk).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            if !status_ok {
                return Err(std::io::Error::other(format!("bad status: {head}")));
            }
            let body = buf[end + 4..total].to_vec();
            buf.drain(..total);
            return Ok(body);
        }
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// CPU time used by this process so far (user + system, all threads), in clock ticks
/// (Linux `/proc/self/stat`); `None` elsewhere.
fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// What one round measured.
struct Measured {
    /// Calls per second.
    rate: f64,
    /// CPU ticks per 1000 calls (server and load generator together), when known.
    cpu_per_k: Option<f64>,
}

/// Drives `CONNECTIONS` keep-alive connections for `secs`.
async fn load(addr: SocketAddr, secs: f64) -> Measured {
    let req = Arc::new(request_bytes());
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (req, stop, count) = (Arc::clone(&req), Arc::clone(&stop), Arc::clone(&count));
        tasks.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.expect("connect");
            s.set_nodelay(true).expect("nodelay");
            let mut buf = Vec::with_capacity(8192);
            while !stop.load(Ordering::Relaxed) {
                s.write_all(&req).await.expect("write");
                read_one(&mut s, &mut buf).await.expect("read");
                count.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // Warm-up, then measure.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let start_count = count.load(Ordering::Relaxed);
    let start_cpu = cpu_ticks();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    let done = count.load(Ordering::Relaxed) - start_count;
    let end_cpu = cpu_ticks();
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    Measured {
        rate: done as f64 / elapsed,
        cpu_per_k: match (start_cpu, end_cpu) {
            (Some(a), Some(b)) if done > 0 => Some((b - a) as f64 * 1000.0 / done as f64),
            _ => None,
        },
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let secs: f64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(2.0);
    let rounds: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10)
        .max(1);
    assert_eq!(
        include_bytes!("data/small.xml").as_slice(),
        SMALL_XML,
        "benches/data/small.xml changed"
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let framework = framework_server().await;
        // The bare server returns exactly what the framework answers.
        let mut probe = TcpStream::connect(framework).await.expect("connect");
        probe.write_all(&request_bytes()).await.expect("write");
        let reply = read_one(&mut probe, &mut Vec::new()).await.expect("framework reply");
        drop(probe);
        assert!(
            String::from_utf8_lossy(&reply).contains("15"),
            "unexpected reply: {}",
            String::from_utf8_lossy(&reply)
        );
        let bare = bare_server(Bytes::from(reply)).await;

        // Short alternating rounds, so that load from other processes hits both alike.
        // Calls/second depends on how much CPU other processes leave; CPU time per call
        // (this process only: server plus the same load generator) does not, so both are
        // reported.
        let (mut sum_fw, mut sum_bare) = (0f64, 0f64);
        let (mut cpu_fw, mut cpu_bare) = (0f64, 0f64);
        let mut ratios = Vec::with_capacity(rounds);
        for round in 1..=rounds {
            let (fw, b) = if round % 2 == 1 {
                let fw = load(framework, secs).await;
                (fw, load(bare, secs).await)
            } else {
                let b = load(bare, secs).await;
                (load(framework, secs).await, b)
            };
            println!(
                "round {round:>2}: framework {:>9.0} calls/s   bare hyper {:>9.0} calls/s   ratio {:.3}",
                fw.rate,
                b.rate,
                fw.rate / b.rate
            );
            sum_fw += fw.rate;
            sum_bare += b.rate;
            cpu_fw += fw.cpu_per_k.unwrap_or(0.0);
            cpu_bare += b.cpu_per_k.unwrap_or(0.0);
            ratios.push(fw.rate / b.rate);
        }
        ratios.sort_by(f64::total_cmp);
        println!(
            "throughput: framework {:.0} calls/s, bare hyper {:.0} calls/s, ratio {:.3} \
             (median round {:.3}; {CONNECTIONS} keep-alive connections, add(5, 10), \
             {rounds} rounds of {secs} s)",
            sum_fw / rounds as f64,
            sum_bare / rounds as f64,
            sum_fw / sum_bare,
            ratios[ratios.len() / 2]
        );
        if cpu_fw > 0.0 {
            println!(
                "CPU per 1000 calls (server + load generator): framework {:.1} ticks, \
                 bare hyper {:.1} ticks; CPU-bound ratio {:.3}",
                cpu_fw / rounds as f64,
                cpu_bare / rounds as f64,
                cpu_bare / cpu_fw
            );
        }
    });
}
