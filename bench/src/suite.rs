//! The whole comparison in one run: starts every server in its own process on the server
//! core, drives the load from this process (on the load core), measures memory from
//! `/proc`, stops every server by its PID, and prints the tables with ratios.

use std::fmt::Write as _;
use std::io::{self, BufRead as _, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::sync::mpsc;
use std::time::Duration;

use rpc_runtime::{CallWriter, Config, parse_response};

use crate::clients;
use crate::codec;
use crate::load::{self, Conn, Expect, LoadResult};
use crate::payload::{Item, Workload, http_request, items};

/// Settings of a suite run.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Measured seconds per load measurement.
    pub secs: f64,
    /// Warm-up seconds before each measurement.
    pub warmup: f64,
    /// Rounds of every load measurement (the best is reported).
    pub rounds: usize,
    /// Keep-alive connections (and client tasks).
    pub conns: usize,
    /// Idle connections held for the memory measurement.
    pub idle: usize,
    /// Size of the large request in bytes.
    pub big: usize,
    /// The core the servers are pinned to.
    pub server_core: String,
    /// Rounds of the codec timing.
    pub codec_rounds: usize,
    /// The sections to run (`codec`, `load`, `clients`, `idle`, `big`); empty: all.
    pub only: Vec<String>,
    /// The binary that serves the bare and the framework servers: a build of this
    /// package without the peers (see `Cargo.toml`); this binary when not given.
    pub servers_bin: Option<String>,
}

impl Settings {
    fn wants(&self, section: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == section)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secs: 5.0,
            warmup: 1.0,
            rounds: 2,
            conns: 32,
            idle: 1000,
            big: 10 * 1024 * 1024,
            server_core: "1".to_owned(),
            codec_rounds: 31,
            only: Vec::new(),
            servers_bin: None,
        }
    }
}

/// A server process; killed by its PID when dropped.
struct Proc {
    name: &'static str,
    child: Child,
    port: u16,
}

impl Proc {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/RPC2", self.port)
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `program args` pinned to `core` and waits (at most 30 s) for its
/// `LISTENING <port>` line.
fn spawn(name: &'static str, core: &str, program: &str, args: &[&str]) -> io::Result<Proc> {
    let mut child = Command::new("taskset")
        .arg("-c")
        .arg(core)
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let mut reader = BufReader::new(stdout);
        let _ = reader.read_line(&mut line);
        let _ = tx.send(line);
        // Keep reading so the server never blocks on a full pipe.
        let mut sink = String::new();
        while reader.read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(30))
        .ok()
        .and_then(|line| line.strip_prefix("LISTENING ")?.trim().parse::<u16>().ok());
    let mut proc = Proc {
        name,
        child,
        port: 0,
    };
    match port {
        Some(port) => {
            proc.port = port;
            Ok(proc)
        }
        None => Err(io::Error::other(format!("{name} did not start"))),
    }
}

/// The servers of the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bare,
    Framework,
    Dxr,
    Python,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Bare => "bare hyper (fixed reply)",
            Kind::Framework => "this framework",
            Kind::Dxr => "dxr 0.9 (axum)",
            Kind::Python => "Python 3.11 SimpleXMLRPCServer",
        }
    }
}

fn start(kind: Kind, workload: Workload, settings: &Settings, extra: &[&str]) -> io::Result<Proc> {
    let exe = std::env::current_exe()?;
    let exe = exe.to_str().expect("a UTF-8 path");
    let servers = settings.servers_bin.as_deref().unwrap_or(exe);
    let core = settings.server_core.as_str();
    match kind {
        Kind::Bare => {
            let mut args = vec!["serve", "bare", workload.name()];
            args.extend_from_slice(extra);
            spawn("bare", core, servers, &args)
        }
        Kind::Framework => {
            let mut args = vec!["serve", "framework"];
            args.extend_from_slice(extra);
            spawn("framework", core, servers, &args)
        }
        Kind::Dxr => spawn("dxr", core, exe, &["serve", "dxr"]),
        Kind::Python => {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/py_server.py");
            spawn("python", core, "python3", &[script])
        }
    }
}

/// Checks a reply in full: HTTP 200 and the expected result.
fn check_reply(workload: Workload, status: u16, body: &[u8], expected: &[Item]) -> io::Result<()> {
    if status != 200 {
        return Err(io::Error::other(format!("status {status}")));
    }
    let ok = match workload {
        Workload::Small => {
            matches!(parse_response::<i32>(body, &Config::DEFAULT), Ok(Ok(15)))
        }
        Workload::Medium => matches!(
            parse_response::<Vec<Item>>(body, &Config::DEFAULT.max_size(usize::MAX)),
            Ok(Ok(ref v)) if v == expected
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "unexpected reply: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        )))
    }
}

/// One exchange decoded in full; the shape every later reply must have.
async fn probe(proc: &Proc, workload: Workload, request: &[u8]) -> io::Result<Expect> {
    let mut conn = Conn::new(proc.addr());
    let reply = conn.exchange(request).await?;
    check_reply(workload, reply.status, &reply.body, &items(100))
        .map_err(|e| io::Error::other(format!("{}: {e}", proc.name)))?;
    Ok(Expect::of(&reply.body))
}

fn rss_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

struct LoadRow {
    workload: Workload,
    kind: Kind,
    best: LoadResult,
}

struct ClientRow {
    workload: Workload,
    client: &'static str,
    best: LoadResult,
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

async fn load_section(settings: &Settings, out: &mut String) -> io::Result<Vec<LoadRow>> {
    let kinds = [Kind::Bare, Kind::Framework, Kind::Dxr, Kind::Python];
    let mut rows: Vec<LoadRow> = Vec::new();
    for workload in [Workload::Small, Workload::Medium] {
        let request = Rc::new(http_request(&workload.body()));
        let mut procs = Vec::new();
        for kind in kinds {
            procs.push((kind, start(kind, workload, settings, &[])?));
        }
        let mut expects = Vec::new();
        for (_, proc) in &procs {
            expects.push(Rc::new(probe(proc, workload, &request).await?));
        }
        for round in 1..=settings.rounds {
            for ((kind, proc), expect) in procs.iter().zip(&expects) {
                let r = load::run(
                    proc.addr(),
                    Rc::clone(&request),
                    Rc::clone(expect),
                    settings.conns,
                    secs(settings.warmup),
                    secs(settings.secs),
                    proc.pid(),
                )
                .await
                .map_err(|e| io::Error::other(format!("{}: {e}", proc.name)))?;
                eprintln!(
                    "  {} {:<32} round {round}: {:>9.0} calls/s  server cpu {:>5.1}%  load cpu {:>5.1}%  connects {}",
                    workload.name(),
                    kind.label(),
                    r.rate(),
                    100.0 * r.server_cpu / r.secs,
                    100.0 * r.client_cpu / r.secs,
                    r.connects
                );
                match rows
                    .iter_mut()
                    .find(|row| row.workload == workload && row.kind == *kind)
                {
                    Some(row) if row.best.rate() >= r.rate() => {}
                    Some(row) => row.best = r,
                    None => rows.push(LoadRow {
                        workload,
                        kind: *kind,
                        best: r,
                    }),
                }
            }
        }
        drop(procs);
    }

    let _ = writeln!(
        out,
        "\n### Servers under load ({} keep-alive connections; best of {} rounds of {} s)\n",
        settings.conns, settings.rounds, settings.secs
    );
    let _ = writeln!(
        out,
        "| workload | server | calls/s | vs bare | server CPU | load CPU | server CPU µs/call | reconnects/s |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|");
    for row in &rows {
        let bare = rows
            .iter()
            .find(|r| r.workload == row.workload && r.kind == Kind::Bare)
            .map_or(f64::NAN, |r| r.best.rate());
        let b = &row.best;
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {:.3}x | {:.0}% | {:.0}% | {:.1} | {:.0} |",
            row.workload.name(),
            row.kind.label(),
            b.rate(),
            b.rate() / bare,
            100.0 * b.server_cpu / b.secs,
            100.0 * b.client_cpu / b.secs,
            b.server_us_per_call(),
            b.connects as f64 / b.secs
        );
    }
    Ok(rows)
}

async fn client_section(
    settings: &Settings,
    loads: &[LoadRow],
    out: &mut String,
) -> io::Result<Vec<ClientRow>> {
    let mut rows = Vec::new();
    for workload in [Workload::Small, Workload::Medium] {
        let bare = start(Kind::Bare, workload, settings, &[])?;
        for (label, which) in [
            (
                "generated client (this framework)",
                clients::Which::Framework,
            ),
            ("dxr_client 0.9 (reqwest)", clients::Which::Dxr),
        ] {
            let mut best: Option<LoadResult> = None;
            for round in 1..=settings.rounds {
                let r = clients::run(
                    which,
                    workload,
                    &bare.url(),
                    settings.conns,
                    secs(settings.warmup),
                    secs(settings.secs),
                    bare.pid(),
                )
                .await
                .map_err(|e| io::Error::other(format!("{label}: {e}")))?;
                eprintln!(
                    "  {} {label:<34} round {round}: {:>9.0} calls/s  server cpu {:>5.1}%  client cpu {:>5.1}%",
                    workload.name(),
                    r.rate(),
                    100.0 * r.server_cpu / r.secs,
                    100.0 * r.client_cpu / r.secs
                );
                if best.is_none_or(|b| b.rate() < r.rate()) {
                    best = Some(r);
                }
            }
            rows.push(ClientRow {
                workload,
                client: label,
                best: best.expect("at least one round"),
            });
        }
    }

    let _ = writeln!(
        out,
        "\n### Clients against the bare server ({} concurrent callers sharing one client; best of {} rounds)\n",
        settings.conns, settings.rounds
    );
    let _ = writeln!(
        out,
        "| workload | client | calls/s | vs raw load generator | client CPU | client CPU µs/call |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|");
    for workload in [Workload::Small, Workload::Medium] {
        let raw = loads
            .iter()
            .find(|r| r.workload == workload && r.kind == Kind::Bare)
            .map(|r| r.best);
        if let Some(raw) = raw {
            let _ = writeln!(
                out,
                "| {} | raw keep-alive load generator (exact bytes) | {:.0} | 1.000x | {:.0}% | {:.1} |",
                workload.name(),
                raw.rate(),
                100.0 * raw.client_cpu / raw.secs,
                raw.client_cpu * 1e6 / raw.calls.max(1) as f64
            );
        }
        for row in rows.iter().filter(|r| r.workload == workload) {
            let b = &row.best;
            let _ = writeln!(
                out,
                "| {} | {} | {:.0} | {:.3}x | {:.0}% | {:.1} |",
                workload.name(),
                row.client,
                b.rate(),
                raw.map_or(f64::NAN, |raw| b.rate() / raw.rate()),
                100.0 * b.client_cpu / b.secs,
                b.client_cpu * 1e6 / b.calls.max(1) as f64
            );
        }
    }
    Ok(rows)
}

/// Idle keep-alive connections: RSS before and after `n` connections each made one call.
async fn idle_one(kind: Kind, settings: &Settings) -> io::Result<(u64, u64)> {
    let proc = start(kind, Workload::Small, settings, &[])?;
    let request = http_request(&Workload::Small.body());
    // One call first, so the runtime's lazily made parts are in the "before" figure.
    let expect = probe(&proc, Workload::Small, &request).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = rss_kib(proc.pid(), "VmRSS:");
    let mut conns = Vec::with_capacity(settings.idle);
    for _ in 0..settings.idle {
        let mut conn = Conn::new(proc.addr());
        let reply = conn.exchange(&request).await?;
        expect.check(&reply)?;
        conns.push(conn);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rss_kib(proc.pid(), "VmRSS:");
    drop(conns);
    Ok((before, after))
}

async fn idle_section(settings: &Settings, out: &mut String) -> io::Result<Vec<(Kind, f64)>> {
    let _ = writeln!(
        out,
        "\n### Memory per idle keep-alive connection ({} connections, each after one `add` call)\n",
        settings.idle
    );
    let _ = writeln!(
        out,
        "| server | VmRSS before (KiB) | VmRSS after (KiB) | KiB per connection |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|");
    let mut per = Vec::new();
    for kind in [Kind::Bare, Kind::Framework, Kind::Dxr] {
        let (before, after) = idle_one(kind, settings).await?;
        let kib = after.saturating_sub(before) as f64 / settings.idle as f64;
        eprintln!("  idle {:<32} {before} KiB -> {after} KiB", kind.label());
        let _ = writeln!(out, "| {} | {before} | {after} | {kib:.1} |", kind.label());
        per.push((kind, kib));
    }
    let _ = writeln!(
        out,
        "| {} | n/a | n/a | n/a: HTTP/1.0, closes every connection after its reply |",
        Kind::Python.label()
    );
    Ok(per)
}

/// An `echo` call of at least `size` bytes, items like those of `medium.xml`.
fn big_call(size: usize) -> (Vec<u8>, Vec<Item>) {
    let per_item = {
        let mut call = CallWriter::new("echo").expect("a name");
        call.param(&items(100), &Config::DEFAULT).expect("writable");
        call.finish().len() / 100
    };
    let mut n = size / per_item.max(1);
    loop {
        let list = items(n);
        let mut call = CallWriter::new("echo").expect("a name");
        call.param(&list, &Config::DEFAULT.max_size(usize::MAX))
            .expect("writable");
        let body = call.finish();
        if body.len() >= size {
            return (body, list);
        }
        n += n / 50 + 1;
    }
}

struct BigRow {
    kind: Kind,
    before: u64,
    hwm: u64,
    outcome: String,
}

async fn big_section(settings: &Settings, out: &mut String) -> io::Result<(Vec<BigRow>, usize)> {
    let (body, list) = big_call(settings.big);
    let request = http_request(&body);
    let limit = (body.len() * 2).to_string();
    let mut rows = Vec::new();
    for kind in [Kind::Bare, Kind::Framework, Kind::Dxr, Kind::Python] {
        let extra: Vec<&str> = match kind {
            Kind::Framework => vec!["--max-body", &limit],
            _ => Vec::new(),
        };
        let proc = start(kind, Workload::Medium, settings, &extra)?;
        let small = http_request(&Workload::Small.body());
        if kind != Kind::Bare {
            probe(&proc, Workload::Small, &small).await?;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let before = rss_kib(proc.pid(), "VmRSS:");
        let mut conn = Conn::new(proc.addr());
        let outcome = match conn.exchange(&request).await {
            Ok(reply) if reply.status == 200 && kind == Kind::Bare => "200, fixed reply".to_owned(),
            Ok(reply) if reply.status == 200 => {
                match parse_response::<Vec<Item>>(
                    &reply.body,
                    &Config::DEFAULT.max_size(usize::MAX),
                ) {
                    Ok(Ok(back)) if back == list => {
                        format!(
                            "200, {} items echoed ({} bytes)",
                            back.len(),
                            reply.body.len()
                        )
                    }
                    Ok(Ok(_)) => "200, other items".to_owned(),
                    Ok(Err(fault)) => format!("fault {}: {}", fault.code, fault.string),
                    Err(e) => format!("200, unreadable: {e}"),
                }
            }
            Ok(reply) => format!("HTTP {} (refused)", reply.status),
            Err(e) => format!("failed: {e}"),
        };
        let hwm = rss_kib(proc.pid(), "VmHWM:");
        eprintln!(
            "  big {:<32} before {before} KiB, VmHWM {hwm} KiB: {outcome}",
            kind.label()
        );
        rows.push(BigRow {
            kind,
            before,
            hwm,
            outcome,
        });
    }
    let mib = body.len() as f64 / (1024.0 * 1024.0);
    let _ = writeln!(
        out,
        "\n### Peak memory serving one {:.1} MiB `echo` request ({} bytes, {} items)\n",
        mib,
        body.len(),
        list.len()
    );
    let _ = writeln!(
        out,
        "| server | VmRSS before (MiB) | VmHWM (MiB) | VmHWM / body | (VmHWM - before) / body | outcome |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---|");
    let body_kib = body.len() as f64 / 1024.0;
    for r in &rows {
        let _ = writeln!(
            out,
            "| {} | {:.1} | {:.1} | {:.2}x | {:.2}x | {} |",
            r.kind.label(),
            r.before as f64 / 1024.0,
            r.hwm as f64 / 1024.0,
            r.hwm as f64 / body_kib,
            r.hwm.saturating_sub(r.before) as f64 / body_kib,
            r.outcome
        );
    }
    Ok((rows, body.len()))
}

fn codec_section(settings: &Settings, out: &mut String) -> Vec<codec::Timing> {
    let timings = codec::measure(settings.codec_rounds);
    let _ = writeln!(
        out,
        "\n### Reading the request bytes (median of {} alternating rounds)\n",
        settings.codec_rounds
    );
    let _ = writeln!(
        out,
        "| workload | reader | µs per read | vs quick-xml walk | dxr typed / this |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|");
    for t in &timings {
        let dxr = timings
            .iter()
            .find(|d| d.workload == t.workload && d.name == "dxr_typed")
            .map_or(f64::NAN, |d| d.ns);
        let label = match t.name {
            "walk" => "quick-xml 0.41 event walk (no values)",
            "walk_042" => "quick-xml 0.42 event walk (no values; UTF-8 checked per event)",
            "ours_typed" => "this framework, typed",
            "ours_value" => "this framework, `Value`",
            "dxr_value" => "dxr `MethodCall::from_xml` (`Value`)",
            "dxr_typed" => "dxr, typed (`from_xml` + derive)",
            other => other,
        };
        let _ = writeln!(
            out,
            "| {} | {label} | {:.2} | {:.3}x | {:.2}x |",
            t.workload.name(),
            t.ns / 1000.0,
            t.ratio,
            dxr / t.ns
        );
    }
    timings
}

fn verdict(measured: f64, ok: bool) -> &'static str {
    if measured.is_nan() {
        "not measured"
    } else if ok {
        "met"
    } else {
        "MISSED"
    }
}

/// Runs the whole suite; returns the report in Markdown.
pub fn run(settings: &Settings) -> io::Result<String> {
    let mut out = String::new();
    let timings = if settings.wants("codec") {
        eprintln!("codec …");
        codec_section(settings, &mut out)
    } else {
        Vec::new()
    };

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (loads, idle, big) = rt.block_on(async {
        let mut loads = Vec::new();
        if settings.wants("load") || settings.wants("clients") {
            eprintln!("servers under load …");
            loads = load_section(settings, &mut out).await?;
        }
        if settings.wants("clients") {
            eprintln!("clients …");
            client_section(settings, &loads, &mut out).await?;
        }
        let mut idle = Vec::new();
        if settings.wants("idle") {
            eprintln!("idle connections …");
            idle = idle_section(settings, &mut out).await?;
        }
        let mut big = (Vec::new(), 0);
        if settings.wants("big") {
            eprintln!("large request …");
            big = big_section(settings, &mut out).await?;
        }
        Ok::<_, io::Error>((loads, idle, big))
    })?;

    let rate = |w: Workload, k: Kind| {
        loads
            .iter()
            .find(|r| r.workload == w && r.kind == k)
            .map_or(f64::NAN, |r| r.best.rate())
    };
    let timing =
        |w: Workload, name: &str| timings.iter().find(|t| t.workload == w && t.name == name);
    let ns = |w: Workload, name: &str| timing(w, name).map_or(f64::NAN, |t| t.ns);
    let typed_ratio = timing(Workload::Medium, "ours_typed").map_or(f64::NAN, |t| t.ratio);
    let small_vs_bare = rate(Workload::Small, Kind::Framework) / rate(Workload::Small, Kind::Bare);
    let medium_vs_dxr = rate(Workload::Medium, Kind::Framework) / rate(Workload::Medium, Kind::Dxr);
    let medium_vs_py =
        rate(Workload::Medium, Kind::Framework) / rate(Workload::Medium, Kind::Python);
    let dxr_read = ns(Workload::Medium, "dxr_typed") / ns(Workload::Medium, "ours_typed");
    let typed_vs_042 = ns(Workload::Medium, "ours_typed") / ns(Workload::Medium, "walk_042");
    let (big, body_len) = big;
    let big_fw = big.iter().find(|r| r.kind == Kind::Framework);
    let body = body_len as f64 / 1024.0;
    let big_ratio = big_fw.map_or(f64::NAN, |r| r.hwm as f64 / body);

    let _ = writeln!(out, "\n### Targets\n");
    let _ = writeln!(out, "| target | measured | |");
    let _ = writeln!(out, "|---|---:|---|");
    let _ = writeln!(
        out,
        "| small call >= 0.9x the bare server | {small_vs_bare:.3}x | {} |",
        verdict(small_vs_bare, small_vs_bare >= 0.9)
    );
    let _ = writeln!(
        out,
        "| medium echo >= 5x dxr | {medium_vs_dxr:.2}x | {} |",
        verdict(medium_vs_dxr, medium_vs_dxr >= 5.0)
    );
    let _ = writeln!(
        out,
        "| medium echo >= 15x Python | {medium_vs_py:.2}x | {} |",
        verdict(medium_vs_py, medium_vs_py >= 15.0)
    );
    let _ = writeln!(
        out,
        "| typed read of medium.xml <= 1.3x the quick-xml walk (0.41, the release read with) | {typed_ratio:.3}x | {} |",
        verdict(typed_ratio, typed_ratio <= 1.3)
    );
    let _ = writeln!(
        out,
        "| typed read >= 3x faster than dxr's typed read | {dxr_read:.2}x | {} |",
        verdict(dxr_read, dxr_read >= 3.0)
    );
    let _ = writeln!(
        out,
        "| VmHWM serving a 10 MiB request <= 3x the body | {big_ratio:.2}x | {} |",
        verdict(big_ratio, big_ratio <= 3.0)
    );
    // quick-xml 0.42's walk is slower than 0.41's, so this can only be below the target's
    // ratio: shown, not judged (a ratio of the two medians).
    let _ = writeln!(
        out,
        "| (no target) typed read of medium.xml / the quick-xml 0.42 walk | {typed_vs_042:.3}x | |"
    );
    if let Some((_, kib)) = idle.iter().find(|(k, _)| *k == Kind::Framework) {
        let _ = writeln!(
            out,
            "| (no target) memory per idle keep-alive connection | {kib:.1} KiB | |"
        );
    }
    Ok(out)
}
