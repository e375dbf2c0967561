//! Broken peers and shutdown under load: clients that reset mid-request or mid-reply leave no
//! task behind, a graceful shutdown with calls in flight and idle connections ends as it
//! should, and the client ends every exchange with a hostile server in a typed error.

mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rpc_runtime::{CallWriter, Client, Config, ErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn call(method: &str, write: impl FnOnce(&mut CallWriter)) -> Vec<u8> {
    let mut w = CallWriter::new(method).expect("method name");
    write(&mut w);
    w.finish()
}

fn request(addr: &std::net::SocketAddr, body: &[u8]) -> Vec<u8> {
    let mut req = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    req
}

fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// Polls until the runtime has at most `baseline` live tasks, for at most `limit`.
async fn settle(baseline: usize, limit: Duration) -> usize {
    let end = Instant::now() + limit;
    loop {
        let now = alive_tasks();
        if now <= baseline || Instant::now() >= end {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_reset_mid_request_or_mid_reply_leave_nothing_behind() {
    let server = common::start(|b| b).await;
    let addr = server.addr;
    let client = Client::new(&server.url()).expect("client");
    assert_eq!(client.call::<i32>("add", (1, 2)).await.expect("warm-up"), 3);
    drop(client);
    let baseline = settle(0, Duration::from_millis(500)).await;

    let sleep_call = request(
        &addr,
        &call("sleep", |w| w.param(&3000, &Config::DEFAULT).unwrap()),
    );
    let big = "x".repeat(1 << 20);
    let echo_call = request(
        &addr,
        &call("echo", |w| w.param(&big, &Config::DEFAULT).unwrap()),
    );
    let mut resets = Vec::new();
    for i in 0..30 {
        let sleep_call = sleep_call.clone();
        let echo_call = echo_call.clone();
        resets.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.expect("connect");
            match i % 3 {
                // Mid-body: half the request, then RST.
                0 => s
                    .write_all(&echo_call[..echo_call.len() / 2])
                    .await
                    .unwrap(),
                // Mid-handler: the whole call, then RST while the handler sleeps.
                1 => {
                    s.write_all(&sleep_call).await.unwrap();
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                // Mid-reply: a 1 MiB echo, RST before reading any of it.
                _ => {
                    s.write_all(&echo_call).await.unwrap();
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            s.set_zero_linger().expect("SO_LINGER 0");
            drop(s);
        }));
    }
    for r in resets {
        r.await.expect("client task");
    }
    let after = settle(baseline, Duration::from_secs(3)).await;
    assert!(
        after <= baseline,
        "{after} tasks alive after the resets, {baseline} before"
    );
    // The sleeping handlers were dropped with their connections, not run to the end.
    assert!(server.probe.sleep_dropped.load(Ordering::SeqCst));
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert!(
        !server.probe.sleep_finished.load(Ordering::SeqCst),
        "a handler of a reset connection ran to its end"
    );
    let client = Client::new(&server.url()).expect("client");
    assert_eq!(
        client
            .call::<i32>("add", (2, 3))
            .await
            .expect("still serving"),
        5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_under_load() {
    let mut server = common::start(|b| {
        b.shutdown_grace(Duration::from_secs(10))
            .max_in_flight(1024)
    })
    .await;
    let addr = server.addr;
    let add = request(
        &addr,
        &call("add", |w| {
            w.param(&1, &Config::DEFAULT).unwrap();
            w.param(&1, &Config::DEFAULT).unwrap();
        }),
    );
    // 200 idle keep-alive connections, each after one answered call.
    let mut idle = Vec::new();
    for _ in 0..200 {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        s.write_all(&add).await.unwrap();
        let res = common::read_response(&mut s).await.expect("reply");
        assert_eq!(res.status, 200);
        idle.push(s);
    }
    // 50 calls in flight, each sleeping 1.5 s.
    let sleep_call = request(
        &addr,
        &call("sleep", |w| w.param(&1500, &Config::DEFAULT).unwrap()),
    );
    let mut in_flight = Vec::new();
    for _ in 0..50 {
        let sleep_call = sleep_call.clone();
        in_flight.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.expect("connect");
            s.write_all(&sleep_call).await.unwrap();
            common::read_response(&mut s).await
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped_at = Instant::now();
    server.stop();

    // Idle connections are closed at once.
    for s in &mut idle {
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(Duration::from_secs(2), s.read(&mut buf))
            .await
            .expect("idle connection closed within 2 s")
            .unwrap_or(0);
        assert_eq!(n, 0, "an idle connection got bytes instead of a close");
    }
    // New connections are refused (or closed unanswered) once the server stops accepting.
    if let Ok(mut s) = TcpStream::connect(addr).await {
        let _ = s.write_all(&add).await;
        assert!(
            common::read_response(&mut s).await.is_err(),
            "a connection made after the shutdown was answered"
        );
    }
    // Every call in flight completes with its result.
    for t in in_flight {
        let res = t.await.expect("task").expect("in-flight call answered");
        assert_eq!(res.status, 200);
        assert!(res.text().contains("1500"), "{}", res.text());
    }
    let finished = tokio::time::timeout(Duration::from_secs(10), &mut server.task)
        .await
        .expect("server ends before the grace deadline")
        .expect("server task");
    finished.expect("serve result");
    assert!(stopped_at.elapsed() < Duration::from_secs(10));
}

/// A fake server that runs `behave` on its first connection.
async fn hostile<F, Fut>(behave: F) -> String
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        if let Ok((s, _)) = listener.accept().await {
            behave(s).await;
        }
    });
    format!("http://{addr}/RPC2")
}

async fn read_request(s: &mut TcpStream) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut seen = Vec::new();
    while !seen.windows(13).any(|w| w == b"</methodCall>") {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

const OK_HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n";

async fn call_hostile(url: &str) -> (rpc_runtime::Error, Duration) {
    let client = Client::builder(url)
        .request_timeout(Some(Duration::from_secs(2)))
        .max_reply_size(1 << 20)
        .build()
        .expect("client");
    let start = Instant::now();
    let err = client
        .call::<i32>("add", (1, 2))
        .await
        .expect_err("a hostile server gives no result");
    (err, start.elapsed())
}

#[tokio::test]
async fn client_against_hostile_servers_ends_in_typed_errors() {
    // Reset right after the request.
    let url = hostile(|mut s| async move {
        read_request(&mut s).await;
        s.set_zero_linger().expect("SO_LINGER 0");
    })
    .await;
    let (err, took) = call_hostile(&url).await;
    assert_eq!(err.kind(), ErrorKind::Transport, "reset: {err}");
    assert!(took < Duration::from_secs(2), "reset took {took:?}");

    // Half a body, then close.
    let url = hostile(|mut s| async move {
        read_request(&mut s).await;
        let _ = s
            .write_all(format!("{OK_HEAD}Content-Length: 1000\r\n\r\n<?xml version=").as_bytes())
            .await;
    })
    .await;
    let (err, took) = call_hostile(&url).await;
    assert_eq!(err.kind(), ErrorKind::Transport, "half body: {err}");
    assert!(took < Duration::from_secs(2), "half body took {took:?}");

    // A chunked body that never ends, trickling below the size limit.
    let url = hostile(|mut s| async move {
        read_request(&mut s).await;
        let _ = s
            .write_all(format!("{OK_HEAD}Transfer-Encoding: chunked\r\n\r\n").as_bytes())
            .await;
        for _ in 0..100 {
            if s.write_all(b"1\r\n \r\n").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let (err, took) = call_hostile(&url).await;
    assert_eq!(err.kind(), ErrorKind::Timeout, "endless trickle: {err}");
    assert!(
        took < Duration::from_millis(2500),
        "endless trickle took {took:?}"
    );

    // A chunked body that streams forever as fast as it can: the size limit ends it.
    let url = hostile(|mut s| async move {
        read_request(&mut s).await;
        let _ = s
            .write_all(format!("{OK_HEAD}Transfer-Encoding: chunked\r\n\r\n").as_bytes())
            .await;
        let chunk = format!("4000\r\n{}\r\n", " ".repeat(0x4000));
        for _ in 0..10_000 {
            if s.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
        }
    })
    .await;
    let (err, took) = call_hostile(&url).await;
    assert_eq!(err.kind(), ErrorKind::Limit, "endless stream: {err}");
    assert!(
        took < Duration::from_secs(2),
        "endless stream took {took:?}"
    );

    // A claimed 1 GiB body.
    let url = hostile(|mut s| async move {
        read_request(&mut s).await;
        let _ = s
            .write_all(format!("{OK_HEAD}Content-Length: 1073741824\r\n\r\n").as_bytes())
            .await;
        tokio::time::sleep(Duration::from_secs(3)).await;
    })
    .await;
    let (err, took) = call_hostile(&url).await;
    assert_eq!(err.kind(), ErrorKind::Limit, "huge length: {err}");
    assert!(took < Duration::from_secs(1), "huge length took {took:?}");

    // A billion-laughs body in a 200 reply.
    let url = hostile(|mut s| async move {
        read_request(&mut s).await;
        let body = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><methodResponse><params><param><value>&b;</value></param></params></methodResponse>";
        let _ = s
            .write_all(format!("{OK_HEAD}Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes())
            .await;
    })
    .await;
    let (err, _) = call_hostile(&url).await;
    assert_eq!(err.kind(), ErrorKind::Syntax, "entity bomb: {err}");
}
