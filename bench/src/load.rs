//! The load generator: keep-alive TCP connections writing the exact bytes of a request and
//! checking every reply (HTTP 200, the body length and the first and last bytes of the
//! first reply, which was decoded and compared in full). A server that closes the
//! connection after a reply (HTTP/1.0, `Connection: close`) is reconnected to, and the
//! reconnections are counted.

use std::cell::Cell;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// One parsed reply.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status code.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// Whether the server closes the connection after this reply.
    pub close: bool,
}

/// A keep-alive connection with its read buffer.
pub struct Conn {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
    /// How many times a connection was opened.
    pub connects: u64,
}

/// The longest a call may take before the run fails.
pub const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(30);

/// How many bytes of the first reply's start and end every later reply must repeat.
const PREFIX: usize = 256;
const SUFFIX: usize = 64;

impl Conn {
    /// A connection to `addr`, opened on first use.
    pub fn new(addr: SocketAddr) -> Self {
        Conn {
            addr,
            stream: None,
            buf: Vec::with_capacity(1 << 16),
            connects: 0,
        }
    }

    /// Opens the connection now (used to hold idle connections).
    pub async fn open(&mut self) -> io::Result<()> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(stream);
            self.buf.clear();
            self.connects += 1;
        }
        Ok(())
    }

    /// Writes `request` and reads one reply, within [`EXCHANGE_TIMEOUT`].
    pub async fn exchange(&mut self, request: &[u8]) -> io::Result<Reply> {
        match tokio::time::timeout(EXCHANGE_TIMEOUT, self.exchange_inner(request)).await {
            Ok(outcome) => outcome,
            Err(_) => {
                self.stream = None;
                Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no reply within 30 s",
                ))
            }
        }
    }

    async fn exchange_inner(&mut self, request: &[u8]) -> io::Result<Reply> {
        self.open().await?;
        let stream = self.stream.as_mut().expect("opened");
        let written = stream.write_all(request).await;
        let reply = read_reply(stream, &mut self.buf).await;
        // A server may refuse a request before reading all of it (413 on the
        // Content-Length) and close: its reply, when one arrived, is the outcome.
        let reply = match (written, reply) {
            (Ok(()), reply) | (Err(_), reply @ Ok(_)) => reply,
            (Err(e), Err(_)) => Err(e),
        };
        match reply {
            Ok(reply) => {
                if reply.close {
                    self.stream = None;
                }
                Ok(reply)
            }
            Err(e) => {
                self.stream = None;
                Err(e)
            }
        }
    }
}

/// Reads one Content-Length framed HTTP/1.x reply from `stream`; `buf` keeps bytes read
/// past it (none, since a client sends one request at a time, but kept for correctness).
async fn read_reply(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<Reply> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut res = httparse::Response::new(&mut headers);
        match res.parse(buf) {
            Ok(httparse::Status::Complete(head_len)) => {
                let status = res.code.unwrap_or(0);
                let mut len = None;
                let mut close = res.version == Some(0);
                for h in res.headers.iter() {
                    if h.name.eq_ignore_ascii_case("content-length") {
                        len = std::str::from_utf8(h.value)
                            .ok()
                            .and_then(|v| v.trim().parse::<usize>().ok());
                    } else if h.name.eq_ignore_ascii_case("connection") {
                        let v = String::from_utf8_lossy(h.value).to_ascii_lowercase();
                        if v.contains("close") {
                            close = true;
                        } else if v.contains("keep-alive") {
                            close = false;
                        }
                    }
                }
                let Some(len) = len else {
                    return Err(io::Error::other(format!(
                        "reply {status} without Content-Length"
                    )));
                };
                let total = head_len + len;
                while buf.len() < total {
                    read_more(stream, buf).await?;
                }
                let body = buf[head_len..total].to_vec();
                buf.drain(..total);
                return Ok(Reply {
                    status,
                    body,
                    close,
                });
            }
            Ok(httparse::Status::Partial) => read_more(stream, buf).await?,
            Err(e) => return Err(io::Error::other(format!("bad reply head: {e}"))),
        }
    }
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<()> {
    if buf.capacity() - buf.len() < 16 * 1024 {
        buf.reserve(64 * 1024);
    }
    let n = stream.read_buf(buf).await?;
    if n == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

/// What every reply of a run must look like, learned from the first reply (which the
/// caller decoded and checked in full).
#[derive(Clone, Debug)]
pub struct Expect {
    len: usize,
    prefix: Vec<u8>,
    suffix: Vec<u8>,
}

impl Expect {
    /// The shape of `body`.
    pub fn of(body: &[u8]) -> Self {
        Expect {
            len: body.len(),
            prefix: body[..body.len().min(PREFIX)].to_vec(),
            suffix: body[body.len().saturating_sub(SUFFIX)..].to_vec(),
        }
    }

    /// Checks a reply against the expected shape.
    pub fn check(&self, reply: &Reply) -> io::Result<()> {
        if reply.status != 200 {
            return Err(io::Error::other(format!(
                "status {} (body: {})",
                reply.status,
                String::from_utf8_lossy(&reply.body[..reply.body.len().min(200)])
            )));
        }
        if reply.body.len() != self.len
            || !reply.body.starts_with(&self.prefix)
            || !reply.body.ends_with(&self.suffix)
        {
            return Err(io::Error::other(format!(
                "unexpected body of {} bytes (expected {})",
                reply.body.len(),
                self.len
            )));
        }
        Ok(())
    }
}

/// What a load run measured.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadResult {
    /// Calls answered (and checked) during the measured window.
    pub calls: u64,
    /// The measured window in seconds.
    pub secs: f64,
    /// Connections opened during the window.
    pub connects: u64,
    /// CPU seconds the server process used during the window.
    pub server_cpu: f64,
    /// CPU seconds this process used during the window.
    pub client_cpu: f64,
}

impl LoadResult {
    /// Calls per second.
    pub fn rate(&self) -> f64 {
        self.calls as f64 / self.secs
    }

    /// Server CPU microseconds per call.
    pub fn server_us_per_call(&self) -> f64 {
        self.server_cpu * 1e6 / self.calls.max(1) as f64
    }
}

/// CPU seconds (user + system, all threads) of process `pid`, from `/proc/PID/stat`.
pub fn cpu_seconds(pid: u32) -> f64 {
    let path = if pid == 0 {
        "/proc/self/stat".to_owned()
    } else {
        format!("/proc/{pid}/stat")
    };
    let Ok(stat) = std::fs::read_to_string(path) else {
        return 0.0;
    };
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    ticks as f64 / clock_ticks()
}

/// `sysconf(_SC_CLK_TCK)` as `getconf` prints it (100 on Linux).
fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// Drives `conns` connections, each sending `request` and reading its reply in a loop,
/// for `warmup` then `secs`; counts the calls answered during the measured window. Every
/// reply is checked against `expect`; any failure ends the run with an error. Runs on the
/// current thread (a single-threaded runtime, so one core drives the load).
pub async fn run(
    addr: SocketAddr,
    request: Rc<Vec<u8>>,
    expect: Rc<Expect>,
    conns: usize,
    warmup: Duration,
    secs: Duration,
    server_pid: u32,
) -> io::Result<LoadResult> {
    let stop = Rc::new(Cell::new(false));
    let count = Rc::new(Cell::new(0u64));
    let connects = Rc::new(Cell::new(0u64));
    let failure: Rc<Cell<Option<io::Error>>> = Rc::new(Cell::new(None));
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut tasks = Vec::new();
            for _ in 0..conns {
                let (request, expect, stop, count, connects, failure) = (
                    Rc::clone(&request),
                    Rc::clone(&expect),
                    Rc::clone(&stop),
                    Rc::clone(&count),
                    Rc::clone(&connects),
                    Rc::clone(&failure),
                );
                tasks.push(tokio::task::spawn_local(async move {
                    let mut conn = Conn::new(addr);
                    while !stop.get() {
                        let before = conn.connects;
                        let outcome = conn.exchange(&request).await;
                        connects.set(connects.get() + conn.connects - before);
                        match outcome.and_then(|reply| expect.check(&reply)) {
                            Ok(()) => count.set(count.get() + 1),
                            Err(e) => {
                                failure.set(Some(e));
                                stop.set(true);
                            }
                        }
                    }
                }));
            }
            tokio::time::sleep(warmup).await;
            let (c0, k0) = (count.get(), connects.get());
            let (s0, l0) = (cpu_seconds(server_pid), cpu_seconds(0));
            let started = Instant::now();
            tokio::time::sleep(secs).await;
            let (c1, k1) = (count.get(), connects.get());
            let (s1, l1) = (cpu_seconds(server_pid), cpu_seconds(0));
            let elapsed = started.elapsed().as_secs_f64();
            stop.set(true);
            for t in tasks {
                let _ = t.await;
            }
            if let Some(e) = failure.take() {
                return Err(e);
            }
            Ok(LoadResult {
                calls: c1 - c0,
                secs: elapsed,
                connects: k1 - k0,
                server_cpu: s1 - s0,
                client_cpu: l1 - l0,
            })
        })
        .await
}

/// Sends exactly `calls` requests over `conns` connections (for instruction counts of a
/// server under `valgrind --tool=callgrind`); every reply is checked against `expect`.
pub async fn fixed(
    addr: SocketAddr,
    request: Rc<Vec<u8>>,
    expect: Rc<Expect>,
    conns: usize,
    calls: u64,
) -> io::Result<()> {
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let conns = conns.max(1) as u64;
            let mut tasks = Vec::new();
            for i in 0..conns {
                let n = calls / conns + u64::from(i < calls % conns);
                let (request, expect) = (Rc::clone(&request), Rc::clone(&expect));
                tasks.push(tokio::task::spawn_local(async move {
                    let mut conn = Conn::new(addr);
                    for _ in 0..n {
                        let reply = conn.exchange(&request).await?;
                        expect.check(&reply)?;
                    }
                    Ok::<_, io::Error>(())
                }));
            }
            for t in tasks {
                t.await.map_err(io::Error::other)??;
            }
            Ok(())
        })
        .await
}
