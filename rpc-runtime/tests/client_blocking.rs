//! The blocking client: plain threads, `spawn_blocking`, and the refusal inside async code.

use std::time::Duration;

use rpc_runtime::{BlockingClient, ErrorKind};
use std::io::{Read, Write};
use std::net::TcpListener;

/// A std-only server that answers every request with 404, `n` times.
fn answer_404(n: usize) -> (std::net::SocketAddr, std::thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        let mut served = 0;
        for _ in 0..n {
            let Ok((mut s, _)) = listener.accept() else {
                break;
            };
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(k) => buf.extend_from_slice(&chunk[..k]),
                }
            }
            let _ = s.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            served += 1;
        }
        served
    });
    (addr, handle)
}

const CALL: &[u8] = b"<?xml version=\"1.0\"?><methodCall><methodName>x</methodName></methodCall>";

#[test]
fn works_on_plain_threads_without_a_runtime() {
    let (addr, server) = answer_404(4);
    let client = BlockingClient::new(&format!("http://{addr}/RPC2")).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let c = client.clone();
            std::thread::spawn(move || c.call_xml::<i32>(CALL.to_vec()).unwrap_err())
        })
        .collect();
    for t in threads {
        let err = t.join().unwrap();
        assert_eq!(err.kind(), ErrorKind::Http);
        assert_eq!(err.status(), Some(404));
    }
    assert_eq!(server.join().unwrap(), 4);
}

#[test]
fn works_inside_spawn_blocking() {
    let (addr, server) = answer_404(1);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let err = rt.block_on(async move {
        tokio::task::spawn_blocking(move || {
            let client = BlockingClient::new(&format!("http://{addr}/RPC2")).unwrap();
            let err = client.call_xml::<i32>(CALL.to_vec()).unwrap_err();
            // Dropped on the blocking thread, inside the runtime: must not panic.
            drop(client);
            err
        })
        .await
        .unwrap()
    });
    assert_eq!(err.status(), Some(404));
    assert_eq!(server.join().unwrap(), 1);
}

#[test]
fn panics_when_called_from_an_async_task() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let joined = rt.block_on(async {
        tokio::spawn(async {
            let client = BlockingClient::new("http://127.0.0.1:9/RPC2").unwrap();
            let _ = client.call_xml::<i32>(CALL.to_vec());
        })
        .await
    });
    let err = joined.unwrap_err();
    assert!(err.is_panic());
}

#[test]
fn dropping_inside_async_code_does_not_panic() {
    let client = BlockingClient::new("http://127.0.0.1:9/RPC2").unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async move {
        tokio::spawn(async move { drop(client) }).await.unwrap();
    });
}
