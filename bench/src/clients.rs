//! Client load: `tasks` concurrent callers sharing one client (which pools keep-alive
//! connections), each calling in a loop, for this framework's generated client and dxr's.
//! Every result is decoded by the client and compared with the expected value.

use std::cell::Cell;
use std::future::Future;
use std::io;
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::load::{LoadResult, cpu_seconds};
use crate::payload::{Item, Workload};
use crate::service::BenchClient;

/// Which client drives the calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// The client generated for the `Bench` service.
    Framework,
    /// `dxr_client::Client` (reqwest).
    Dxr,
}

async fn drive<F, Fut>(
    tasks: usize,
    warmup: Duration,
    secs: Duration,
    server_pid: u32,
    call: F,
) -> io::Result<LoadResult>
where
    F: Fn() -> Fut + Clone + 'static,
    Fut: Future<Output = Result<(), String>> + 'static,
{
    let stop = Rc::new(Cell::new(false));
    let count = Rc::new(Cell::new(0u64));
    let failure: Rc<Cell<Option<String>>> = Rc::new(Cell::new(None));
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut handles = Vec::new();
            for _ in 0..tasks {
                let (call, stop, count, failure) = (
                    call.clone(),
                    Rc::clone(&stop),
                    Rc::clone(&count),
                    Rc::clone(&failure),
                );
                handles.push(tokio::task::spawn_local(async move {
                    while !stop.get() {
                        let outcome =
                            match tokio::time::timeout(crate::load::EXCHANGE_TIMEOUT, call()).await
                            {
                                Ok(outcome) => outcome,
                                Err(_) => Err("no reply within 30 s".to_owned()),
                            };
                        match outcome {
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
            let c0 = count.get();
            let (s0, l0) = (cpu_seconds(server_pid), cpu_seconds(0));
            let started = Instant::now();
            tokio::time::sleep(secs).await;
            let c1 = count.get();
            let (s1, l1) = (cpu_seconds(server_pid), cpu_seconds(0));
            let elapsed = started.elapsed().as_secs_f64();
            stop.set(true);
            for h in handles {
                let _ = h.await;
            }
            if let Some(e) = failure.take() {
                return Err(io::Error::other(e));
            }
            Ok(LoadResult {
                calls: c1 - c0,
                secs: elapsed,
                connects: 0,
                server_cpu: s1 - s0,
                client_cpu: l1 - l0,
            })
        })
        .await
}

/// Runs `tasks` callers of `which` client against `url` for `workload`.
pub async fn run(
    which: Which,
    workload: Workload,
    url: &str,
    tasks: usize,
    warmup: Duration,
    secs: Duration,
    server_pid: u32,
) -> io::Result<LoadResult> {
    let items = Rc::new(crate::payload::items(100));
    match which {
        Which::Framework => {
            let client = BenchClient::new(url).map_err(io::Error::other)?;
            match workload {
                Workload::Small => {
                    drive(tasks, warmup, secs, server_pid, move || {
                        let client = client.clone();
                        async move {
                            match client.add(5, 10).await {
                                Ok(15) => Ok(()),
                                other => Err(format!("add(5, 10) gave {other:?}")),
                            }
                        }
                    })
                    .await
                }
                Workload::Medium => {
                    drive(tasks, warmup, secs, server_pid, move || {
                        let client = client.clone();
                        let items = Rc::clone(&items);
                        async move {
                            match client.echo(items.to_vec()).await {
                                Ok(back) if back == *items => Ok(()),
                                Ok(_) => Err("echo gave other items".to_owned()),
                                Err(e) => Err(format!("echo failed: {e}")),
                            }
                        }
                    })
                    .await
                }
            }
        }
        Which::Dxr => {
            let url = url::Url::parse(url).map_err(io::Error::other)?;
            let client = Rc::new(dxr_client::ClientBuilder::new(url).build());
            match workload {
                Workload::Small => {
                    drive(tasks, warmup, secs, server_pid, move || {
                        let client = Rc::clone(&client);
                        async move {
                            match client.call::<_, i32>("add", (5, 10)).await {
                                Ok(15) => Ok(()),
                                other => Err(format!("add(5, 10) gave {other:?}")),
                            }
                        }
                    })
                    .await
                }
                Workload::Medium => {
                    drive(tasks, warmup, secs, server_pid, move || {
                        let client = Rc::clone(&client);
                        let items = Rc::clone(&items);
                        async move {
                            match client.call::<_, Vec<Item>>("echo", (items.to_vec(),)).await {
                                Ok(back) if back == *items => Ok(()),
                                Ok(_) => Err("echo gave other items".to_owned()),
                                Err(e) => Err(format!("echo failed: {e}")),
                            }
                        }
                    })
                    .await
                }
            }
        }
    }
}
