//! Side-by-side benchmarks of this XML-RPC framework against the bare limits of the
//! machine (hyper answering a fixed reply, quick-xml walking the bytes) and its peers
//! (dxr 0.9, Python's `xmlrpc.server`). `bench/run.sh` builds and runs everything.
//!
//! ```text
//! rpc-bench suite [--secs S] [--warmup S] [--rounds N] [--conns N] [--idle N]
//!                 [--big BYTES] [--server-core CORE] [--codec-rounds N] [--out FILE]
//!                 [--only codec,load,clients,idle,big] [--servers-bin PATH]
//! rpc-bench serve bare small|medium     a hyper server answering a fixed reply
//! rpc-bench serve framework [--max-body BYTES]
//! rpc-bench serve dxr
//! rpc-bench load --port P --workload small|medium [--secs S | --calls N] [--conns N] [--pid PID]
//! rpc-bench codec [--rounds N]          the reading comparison alone
//! rpc-bench codec-repeat CASE small|medium ITERATIONS   one reader in a loop (callgrind)
//! ```

// Without the peers only `serve bare` and `serve framework` remain; the rest of the
// shared code is then unused.
#![cfg_attr(not(feature = "peers"), allow(dead_code, unused_imports))]

#[cfg(feature = "peers")]
mod clients;
#[cfg(feature = "peers")]
mod codec;
mod load;
mod payload;
mod servers;
mod service;
#[cfg(feature = "peers")]
mod suite;

use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;

use payload::Workload;

fn usage() -> ExitCode {
    eprintln!(
        "usage: rpc-bench suite [options] | serve bare small|medium | serve framework [--max-body N] \
         | serve dxr | load --port P --workload W [--secs S] [--conns N] [--pid PID] \
         | codec [--rounds N] | codec-repeat CASE WORKLOAD ITERATIONS"
    );
    ExitCode::from(2)
}

/// `--name value` options after the subcommand.
struct Opts(Vec<String>);

impl Opts {
    fn get<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        let i = self.0.iter().position(|a| a == name)?;
        let v = self.0.get(i + 1)?;
        match v.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                eprintln!("bad value for {name}: {v}");
                std::process::exit(2);
            }
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = Opts(args.clone());
    match args.first().map(String::as_str) {
        Some("serve") => match args.get(1).map(String::as_str) {
            Some("bare") => {
                let Some(w) = args.get(2).and_then(|w| Workload::parse(w)) else {
                    return usage();
                };
                servers::bare(w);
                ExitCode::SUCCESS
            }
            Some("framework") => {
                servers::framework(opts.get("--max-body"));
                ExitCode::SUCCESS
            }
            #[cfg(feature = "peers")]
            Some("dxr") => {
                servers::dxr();
                ExitCode::SUCCESS
            }
            _ => usage(),
        },
        #[cfg(feature = "peers")]
        Some("suite") => {
            let d = suite::Settings::default();
            let settings = suite::Settings {
                secs: opts.get("--secs").unwrap_or(d.secs),
                warmup: opts.get("--warmup").unwrap_or(d.warmup),
                rounds: opts.get("--rounds").unwrap_or(d.rounds),
                conns: opts.get("--conns").unwrap_or(d.conns),
                idle: opts.get("--idle").unwrap_or(d.idle),
                big: opts.get("--big").unwrap_or(d.big),
                server_core: opts.get("--server-core").unwrap_or(d.server_core),
                servers_bin: opts.get("--servers-bin"),
                codec_rounds: opts.get("--codec-rounds").unwrap_or(d.codec_rounds),
                only: opts
                    .get::<String>("--only")
                    .map(|s| s.split(',').map(str::to_owned).collect())
                    .unwrap_or_default(),
            };
            match suite::run(&settings) {
                Ok(report) => {
                    println!("{report}");
                    if let Some(path) = opts.get::<String>("--out")
                        && let Err(e) = std::fs::write(&path, &report)
                    {
                        eprintln!("cannot write {path}: {e}");
                        return ExitCode::FAILURE;
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("suite failed: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("load") => {
            let (Some(port), Some(workload)) = (
                opts.get::<u16>("--port"),
                opts.get::<String>("--workload")
                    .and_then(|w| Workload::parse(&w)),
            ) else {
                return usage();
            };
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            let request = Rc::new(payload::http_request(&workload.body()));
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            let outcome = rt.block_on(async {
                let mut conn = load::Conn::new(addr);
                let first = conn.exchange(&request).await?;
                if first.status != 200 {
                    return Err(std::io::Error::other(format!("status {}", first.status)));
                }
                let expect = Rc::new(load::Expect::of(&first.body));
                if let Some(calls) = opts.get::<u64>("--calls") {
                    let conns = opts.get("--conns").unwrap_or(32);
                    load::fixed(addr, request, expect, conns, calls).await?;
                    return Ok(load::LoadResult {
                        calls: calls + 1,
                        ..load::LoadResult::default()
                    });
                }
                load::run(
                    addr,
                    request,
                    expect,
                    opts.get("--conns").unwrap_or(32),
                    Duration::from_secs(1),
                    Duration::from_secs_f64(opts.get("--secs").unwrap_or(5.0)),
                    opts.get("--pid").unwrap_or(0),
                )
                .await
            });
            match outcome {
                Ok(r) if r.secs == 0.0 => {
                    println!("{} calls answered", r.calls);
                    ExitCode::SUCCESS
                }
                Ok(r) => {
                    println!(
                        "{:.0} calls/s ({} calls in {:.2} s, {} connects, server cpu {:.2} s, load cpu {:.2} s)",
                        r.rate(),
                        r.calls,
                        r.secs,
                        r.connects,
                        r.server_cpu,
                        r.client_cpu
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("load failed: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        #[cfg(feature = "peers")]
        Some("codec") => {
            for t in codec::measure(opts.get("--rounds").unwrap_or(31)) {
                println!(
                    "{:<7} {:<11} {:>10.2} µs  {:>7.3}x the walk",
                    t.workload.name(),
                    t.name,
                    t.ns / 1000.0,
                    t.ratio
                );
            }
            ExitCode::SUCCESS
        }
        #[cfg(feature = "peers")]
        Some("codec-repeat") => {
            let (Some(name), Some(workload), Some(iters)) = (
                args.get(1),
                args.get(2).and_then(|w| Workload::parse(w)),
                args.get(3).and_then(|n| n.parse().ok()),
            ) else {
                return usage();
            };
            codec::repeat(name, workload, iters);
            ExitCode::SUCCESS
        }
        _ => usage(),
    }
}
