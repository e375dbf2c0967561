//! The client against fake servers on raw sockets: what it sends, and how it treats
//! replies that are not XML-RPC.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rpc_runtime::{Client, ErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a fake server does with each request.
#[derive(Clone)]
enum Reply {
    /// Write these bytes, then close.
    Bytes(Vec<u8>),
    /// Read the request, then say nothing.
    Silent,
}

struct Fake {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn read_request(s: &mut TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..i]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() >= i + 4 + len {
                return buf;
            }
        }
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return buf,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

async fn fake(reply: Reply) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&requests);
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            let reply = reply.clone();
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let req = read_request(&mut s).await;
                seen.lock().unwrap().push(req);
                match reply {
                    Reply::Bytes(b) => {
                        let _ = s.write_all(&b).await;
                        let _ = s.shutdown().await;
                    }
                    Reply::Silent => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                }
            });
        }
    });
    Fake {
        addr,
        requests,
        task,
    }
}

fn response(status: &str, headers: &str, body: &[u8]) -> Reply {
    let mut r = format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    Reply::Bytes(r)
}

const CALL: &[u8] = b"<?xml version=\"1.0\"?><methodCall><methodName>add</methodName><params><param><value><int>5</int></value></param><param><value><int>10</int></value></param></params></methodCall>";

#[tokio::test]
async fn sends_python_compatible_requests_with_basic_auth_from_the_url() {
    let f = fake(response("404 Not Found", "", b"")).await;
    let client = Client::new(&format!("http://us%40er:pa%3Ass@{}", f.addr)).unwrap();
    let err = client.call_xml::<i32>(CALL.to_vec()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(err.status(), Some(404));

    let reqs = f.requests.lock().unwrap();
    let req = String::from_utf8_lossy(&reqs[0]).into_owned();
    let lower = req.to_ascii_lowercase();
    assert!(req.starts_with("POST /RPC2 HTTP/1.1\r\n"), "{req}");
    assert!(
        lower.contains("\r\nauthorization: basic dxnazxi6cge6c3m=\r\n"),
        "{req}"
    );
    assert!(lower.contains("\r\ncontent-type: text/xml\r\n"), "{req}");
    assert!(
        lower.contains(&format!("\r\ncontent-length: {}\r\n", CALL.len())),
        "{req}"
    );
    assert!(!lower.contains("transfer-encoding"), "{req}");
    assert!(lower.contains("\r\nuser-agent: rpc-runtime/"), "{req}");
    assert!(lower.contains("\r\naccept-encoding: gzip\r\n"), "{req}");
    assert!(
        lower.contains(&format!("\r\nhost: {}\r\n", f.addr)),
        "{req}"
    );
    assert!(reqs[0].ends_with(CALL));
}

#[tokio::test]
async fn extra_headers_user_agent_and_no_gzip() {
    let f = fake(response("500 Internal Server Error", "", b"")).await;
    let client = Client::builder(&format!("http://{}/pyblish?x=1", f.addr))
        .header("X-Token", "abc")
        .user_agent("tester/1")
        .accept_gzip(false)
        .build()
        .unwrap();
    let err = client.call_xml::<i32>(CALL.to_vec()).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    let req = String::from_utf8_lossy(&f.requests.lock().unwrap()[0]).to_ascii_lowercase();
    assert!(req.starts_with("post /pyblish?x=1 http/1.1\r\n"), "{req}");
    assert!(req.contains("\r\nx-token: abc\r\n"));
    assert!(req.contains("\r\nuser-agent: tester/1\r\n"));
    assert!(!req.contains("accept-encoding"));
}

#[tokio::test]
async fn non_200_is_an_http_error_with_the_status_and_the_body_is_not_parsed() {
    let f = fake(response(
        "500 Internal Server Error",
        "Content-Type: text/xml\r\n",
        b"<methodResponse><fault>...</fault></methodResponse>",
    ))
    .await;
    let client = Client::new(&format!("http://{}/RPC2", f.addr)).unwrap();
    let err = client.call_xml::<i32>(CALL.to_vec()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(err.status(), Some(500));
}

#[tokio::test]
async fn html_reply_is_an_http_error() {
    let f = fake(response(
        "200 OK",
        "Content-Type: text/html; charset=utf-8\r\n",
        b"<html><body>Welcome to nginx</body></html>",
    ))
    .await;
    let client = Client::new(&format!("http://{}/RPC2", f.addr)).unwrap();
    let err = client.call_xml::<i32>(CALL.to_vec()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(err.status(), Some(200));
    assert!(err.to_string().contains("text/html"), "{err}");
}

#[tokio::test]
async fn unknown_content_encoding_is_an_http_error() {
    let f = fake(response(
        "200 OK",
        "Content-Type: text/xml\r\nContent-Encoding: br\r\n",
        b"xxxx",
    ))
    .await;
    let client = Client::new(&format!("http://{}/RPC2", f.addr)).unwrap();
    let err = client.call_xml::<i32>(CALL.to_vec()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http);
}

#[tokio::test]
async fn reply_size_limit_on_content_length_chunked_and_gzip() {
    // Announced too large: refused from the header.
    let f = fake(Reply::Bytes(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 1073741824\r\n\r\n<methodResponse>"
            .to_vec(),
    ))
    .await;
    let client = Client::builder(&format!("http://{}/RPC2", f.addr))
        .max_reply_size(1024)
        .build()
        .unwrap();
    let err = client.call_xml::<i32>(CALL.to_vec()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit, "{err:?}");

    // Chunked past the limit.
    let mut chunked =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..8 {
        chunked.extend_from_slice(b"200\r\n");
        chunked.extend_from_slice(&[b'x'; 0x200]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let f = fake(Reply::Bytes(chunked)).await;
    let client = Client::builder(&format!("http://{}/RPC2", f.addr))
        .max_reply_size(1024)
        .build()
        .unwrap();
    let err = client.call_xml::<i32>(CALL.to_vec()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit, "{err:?}");

    // Small on the wire, large once decoded.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut enc, &vec![b' '; 1 << 20]).unwrap();
    let gz = enc.finish().unwrap();
    let f = fake(response(
        "200 OK",
        "Content-Type: text/xml\r\nContent-Encoding: gzip\r\n",
        &gz,
    ))
    .await;
    let client = Client::builder(&format!("http://{}/RPC2", f.addr))
        .max_reply_size(64 * 1024)
        .build()
        .unwrap();
    let err = client.call_xml::<i32>(CALL.to_vec()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit, "{err:?}");
}

#[tokio::test]
async fn silent_server_times_out_at_the_request_timeout() {
    let f = fake(Reply::Silent).await;
    let client = Client::builder(&format!("http://{}/RPC2", f.addr))
        .request_timeout(Some(Duration::from_millis(500)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.call_xml::<i32>(CALL.to_vec()).await.unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::new(&format!("http://{addr}/RPC2")).unwrap();
    let err = client.call_xml::<i32>(CALL.to_vec()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
}

#[tokio::test]
async fn connection_closed_without_reply_is_a_transport_error() {
    let f = fake(Reply::Bytes(Vec::new())).await;
    let client = Client::new(&format!("http://{}/RPC2", f.addr)).unwrap();
    let err = client.call_xml::<i32>(CALL.to_vec()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    // One request: a POST is never sent twice.
    assert_eq!(f.requests.lock().unwrap().len(), 1);
}

#[test]
fn bad_urls_are_refused() {
    for url in ["ftp://h/", "127.0.0.1:80", "http://", "http://h:99999/"] {
        assert!(Client::new(url).is_err(), "{url}");
    }
}

#[tokio::test]
async fn connect_timeout_is_a_timeout_error() {
    // A listener that never accepts, with its accept queue filled: further SYNs are
    // dropped, so connecting hangs until the client's connect timeout.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(addr)).await {
            Ok(Ok(s)) => fillers.push(s),
            _ => break,
        }
    }
    let client = Client::builder(&format!("http://{addr}/RPC2"))
        .connect_timeout(Some(Duration::from_millis(300)))
        .request_timeout(Some(Duration::from_secs(10)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.call_xml::<i32>(CALL.to_vec()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(listener);
}
