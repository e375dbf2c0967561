//! The HTTP layer of the server: status codes, limits, timeouts, gzip, auth, shutdown.
//! Everything here is decided before the body is parsed as XML-RPC.

mod common;

use std::io::Write as _;
use std::time::{Duration, Instant};

use common::*;
use rpc_runtime::server::basic_auth;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

#[tokio::test]
async fn unknown_path_is_404() {
    let srv = start(|b| b).await;
    let r = raw(srv.addr, &post("/nope", "", b"<methodCall/>")).await;
    assert_eq!(r.status, 404);
    // A path outside the served set is refused before the method is looked at.
    let r = raw(srv.addr, b"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n").await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn only_post_is_served() {
    let srv = start(|b| b).await;
    for method in ["GET", "PUT", "HEAD", "DELETE"] {
        let req = format!("{method} /RPC2 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
        let mut s = TcpStream::connect(srv.addr).await.unwrap();
        s.write_all(req.as_bytes()).await.unwrap();
        let r = if method == "HEAD" {
            read_head(&mut s).await.unwrap()
        } else {
            read_response(&mut s).await.unwrap()
        };
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("POST"), "{method}");
    }
}

#[tokio::test]
async fn content_length_over_the_limit_is_refused_unread() {
    let srv = start(|b| b).await;
    let started = Instant::now();
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    // 1 GiB announced, not a byte of it sent.
    s.write_all(b"POST /RPC2 HTTP/1.1\r\nHost: t\r\nContent-Length: 1073741824\r\n\r\n")
        .await
        .unwrap();
    let r = read_response(&mut s).await.unwrap();
    assert_eq!(r.status, 413);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(r.header("connection"), Some("close"));
    assert!(closed_within(&mut s, Duration::from_secs(5)).await);
}

/// One chunk of a `Transfer-Encoding: chunked` body.
fn chunk_frame(data: &[u8]) -> Vec<u8> {
    let mut frame = format!("{:x}\r\n", data.len()).into_bytes();
    frame.extend_from_slice(data);
    frame.extend_from_slice(b"\r\n");
    frame
}

#[tokio::test]
async fn chunked_body_over_the_limit_is_413() {
    let srv = start(|b| b.max_body_size(64 * 1024)).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"POST /RPC2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        .await
        .unwrap();
    let chunk = vec![b'x'; 16 * 1024];
    // Keep sending until the server answers; it must answer after ~64 KiB.
    let mut sent = 0usize;
    for _ in 0..16 {
        if s.write_all(&chunk_frame(&chunk)).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let r = read_response(&mut s).await.unwrap();
    assert_eq!(r.status, 413);
    assert!(sent >= 64 * 1024);
}

#[tokio::test]
async fn body_in_many_chunks_is_read_whole() {
    let srv = start(|b| b.max_body_size(64 * 1024)).await;
    let call = call_ints("add", &[20, 22]);
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"POST /RPC2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        .await
        .unwrap();
    // Seven-byte chunks, each written and flushed on its own.
    for piece in call.chunks(7) {
        s.write_all(&chunk_frame(piece)).await.unwrap();
        s.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    s.write_all(b"0\r\n\r\n").await.unwrap();
    let r = read_response(&mut s).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.result::<i32>(), 42);
}

/// 1 GiB of zeros as gzip: 1024 gzip members of 1 MiB each (a gzip body may hold several
/// members; the server decodes them all), about 1 MB on the wire.
fn gzip_bomb() -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![0u8; 1 << 20]).unwrap();
    let member = enc.finish().unwrap();
    let mut out = Vec::with_capacity(member.len() * 1024);
    for _ in 0..1024 {
        out.extend_from_slice(&member);
    }
    out
}

#[tokio::test]
async fn gzip_bomb_is_413() {
    let srv = start(|b| b).await;
    let bomb = gzip_bomb();
    assert!(
        bomb.len() < 8 * 1024 * 1024,
        "the bomb passes the wire limit"
    );
    let started = Instant::now();
    let r = raw(
        srv.addr,
        &post("/RPC2", "Content-Encoding: gzip\r\n", &bomb),
    )
    .await;
    assert_eq!(r.status, 413);
    // Decoding stops at the limit (8 MiB), not at 1 GiB.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn bad_gzip_is_400() {
    let srv = start(|b| b).await;
    let r = raw(
        srv.addr,
        &post(
            "/RPC2",
            "Content-Encoding: gzip\r\n",
            b"<methodCall>not gzip",
        ),
    )
    .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn unknown_content_encoding_is_415() {
    let srv = start(|b| b).await;
    for coding in ["br", "deflate", "compress"] {
        let r = raw(
            srv.addr,
            &post(
                "/RPC2",
                &format!("Content-Encoding: {coding}\r\n"),
                b"<methodCall/>",
            ),
        )
        .await;
        assert_eq!(r.status, 415, "{coding}");
    }
}

#[tokio::test]
async fn too_many_headers_is_431() {
    let srv = start(|b| b).await;
    let mut extra = String::new();
    for i in 0..150 {
        extra.push_str(&format!("X-Filler-{i}: {i}\r\n"));
    }
    let r = raw(srv.addr, &post("/RPC2", &extra, b"")).await;
    assert_eq!(r.status, 431);
}

#[tokio::test]
async fn oversized_head_is_431() {
    let srv = start(|b| b.max_header_size(8 * 1024)).await;
    let extra = format!("X-Big: {}\r\n", "a".repeat(20 * 1024));
    let r = raw(srv.addr, &post("/RPC2", &extra, b"")).await;
    assert_eq!(r.status, 431);
}

#[tokio::test]
async fn stalled_head_is_closed_at_the_header_timeout() {
    let srv = start(|b| b.header_read_timeout(Some(Duration::from_millis(600)))).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let started = Instant::now();
    s.write_all(b"POST /RPC2 HTTP/1.1\r\nHost: t\r\n")
        .await
        .unwrap();
    assert!(closed_within(&mut s, Duration::from_secs(5)).await);
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(500), "closed after {took:?}");
    assert!(took < Duration::from_secs(3), "closed after {took:?}");
}

#[tokio::test]
async fn default_builder_installs_the_timer() {
    // Guards against the silent-disable pitfall: without a timer hyper ignores the
    // header timeout. An idle connection that never sends anything must be closed.
    let srv = start(|b| b.header_read_timeout(Some(Duration::from_millis(300)))).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    assert!(closed_within(&mut s, Duration::from_secs(3)).await);
}

#[tokio::test]
async fn stalled_body_is_408() {
    let srv = start(|b| b.body_timeout(Duration::from_millis(500))).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let started = Instant::now();
    s.write_all(b"POST /RPC2 HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n<methodCall>")
        .await
        .unwrap();
    let r = read_response(&mut s).await.unwrap();
    assert_eq!(r.status, 408);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[tokio::test]
async fn in_flight_cap_answers_503_with_retry_after() {
    let srv = start(|b| b.max_in_flight(1).body_timeout(Duration::from_secs(5))).await;
    // The first request holds the only permit while its body trickles in.
    let mut first = TcpStream::connect(srv.addr).await.unwrap();
    first
        .write_all(b"POST /RPC2 HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n<m")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let r = raw(srv.addr, &post("/RPC2", "", &call_ints("add", &[1, 2]))).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("1"));
}

#[tokio::test]
async fn auth_refusal_is_401_with_challenge() {
    let srv = start(|b| b.auth(basic_auth("us@er", "pa:ss")).auth_realm("tests")).await;
    let r = raw(srv.addr, &post("/RPC2", "", &call_ints("add", &[1, 2]))).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate"), Some("Basic realm=\"tests\""));
    let r = raw(
        srv.addr,
        &post(
            "/RPC2",
            "Authorization: Basic dXNAZXI6d3Jvbmc=\r\n",
            &call_ints("add", &[1, 2]),
        ),
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(srv.probe.calls.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[tokio::test]
async fn shutdown_closes_idle_connections_at_once() {
    let mut srv = start(|b| b).await;
    let mut idle = Vec::new();
    for _ in 0..20 {
        idle.push(TcpStream::connect(srv.addr).await.unwrap());
    }
    // A connection that finished one exchange and now idles in keep-alive.
    let mut used = TcpStream::connect(srv.addr).await.unwrap();
    used.write_all(b"GET /RPC2 HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_response(&mut used).await.unwrap().status, 405);
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = Instant::now();
    srv.stop();
    for s in idle.iter_mut().chain(std::iter::once(&mut used)) {
        assert!(closed_within(s, Duration::from_secs(3)).await);
    }
    let served = tokio::time::timeout(Duration::from_secs(5), &mut srv.task)
        .await
        .expect("serve returns")
        .expect("no panic");
    assert!(served.is_ok());
    assert!(started.elapsed() < Duration::from_secs(5));
    // No longer accepting.
    assert!(TcpStream::connect(srv.addr).await.is_err());
}

#[tokio::test]
async fn reserved_and_duplicate_names_are_refused_at_build_time() {
    use rpc_runtime::server::{BuildError, Server};
    let (a, _) = TestService::new();
    let err = Server::builder()
        .service_with_prefix("system", a)
        .bind("127.0.0.1:0")
        .await
        .unwrap_err();
    assert!(
        matches!(err, BuildError::ReservedName(ref n) if n.starts_with("system.")),
        "{err}"
    );
    let (a, _) = TestService::new();
    let (b, _) = TestService::new();
    let err = Server::builder()
        .service(a)
        .service(b)
        .bind("127.0.0.1:0")
        .await
        .unwrap_err();
    assert!(matches!(err, BuildError::DuplicateName(_)), "{err}");
    let (a, _) = TestService::new();
    let (b, _) = TestService::new();
    assert!(
        Server::builder()
            .service(a)
            .service_with_prefix("ns", b)
            .into_service()
            .is_ok()
    );
}

#[tokio::test]
async fn body_shorter_than_content_length_never_reaches_a_handler() {
    let srv = start(|b| b).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"POST /RPC2 HTTP/1.1\r\nHost: t\r\nContent-Length: 500\r\n\r\n<methodCall>")
        .await
        .unwrap();
    s.shutdown().await.unwrap();
    assert!(closed_within(&mut s, Duration::from_secs(3)).await);
    // The server is fine and the handler never ran.
    let r = raw(srv.addr, &post("/RPC2", "", &call_ints("add", &[1, 2]))).await;
    assert_eq!(r.status, 200);
    assert_eq!(srv.probe.calls.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn ambiguous_framing_is_refused() {
    let srv = start(|b| b).await;
    let body = call_ints("add", &[1, 2]);
    for extra in [
        format!(
            "Content-Length: {0}\r\nContent-Length: {1}\r\n",
            body.len(),
            body.len() + 1
        ),
        format!("Content-Length: +{}\r\n", body.len()),
        "Transfer-Encoding: chunked, identity\r\n".to_owned(),
    ] {
        let mut req = format!("POST /RPC2 HTTP/1.1\r\nHost: t\r\n{extra}\r\n").into_bytes();
        req.extend_from_slice(&body);
        let r = raw(srv.addr, &req).await;
        assert_eq!(r.status, 400, "{extra:?}");
    }
    assert_eq!(srv.probe.calls.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[tokio::test]
async fn refused_request_with_a_body_leaves_the_connection_usable_or_closed() {
    // A refusal that does not read the body must not let the body be parsed as the next
    // request: the next request on the connection is either answered or the connection
    // is closed.
    let srv = start(|b| b).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let body = call_ints("add", &[1, 2]);
    s.write_all(&post("/nope", "", &body)).await.unwrap();
    assert_eq!(read_response(&mut s).await.unwrap().status, 404);
    let _ = s.write_all(&post("/RPC2", "", &body)).await;
    match read_response(&mut s).await {
        Ok(r) => assert_eq!(r.status, 200),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof, "{e}"),
    }
}
