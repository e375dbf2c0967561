//! A server out of file descriptors (EMFILE on `accept`) backs off instead of spinning, and
//! serves again once descriptors are free. The `interop_server` example runs with
//! `ulimit -n 64` and is flooded with connections it cannot accept.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use rpc_tests::{Server, example_path};

/// User plus system CPU time of a process, in clock ticks (1/100 s on Linux).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc stat");
    // The fields after the parenthesised command name; utime and stime are the 14th and
    // 15th fields of the whole line.
    let rest = &stat[stat.rfind(')').expect("comm") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

fn ping(addr: &str) -> std::io::Result<String> {
    let body = "<?xml version=\"1.0\"?><methodCall><methodName>interop.ping</methodName><params></params></methodCall>";
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        s,
        "POST /RPC2 HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut reply = String::new();
    s.read_to_string(&mut reply)?;
    Ok(reply)
}

#[test]
fn accept_errors_back_off_and_serving_resumes() {
    let exe = example_path("interop_server");
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        "ulimit -n 64 && exec \"$0\" --listen 127.0.0.1:0",
        exe.to_str().expect("UTF-8 path"),
    ]);
    let server = Server::start("interop_server (ulimit -n 64)", cmd);
    let addr = server
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    assert!(ping(&addr).expect("ping").contains("pong"));

    // 100 connections: the server runs out of descriptors after about 55; the kernel queues
    // the rest (fewer than the listen backlog, so every connect completes at once).
    let flood: Vec<TcpStream> = (0..100)
        .map(|_| TcpStream::connect(&addr).expect("connect (queued by the kernel)"))
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_ticks(server.pid());
    std::thread::sleep(Duration::from_secs(2));
    let spent = cpu_ticks(server.pid()) - before;
    // A spinning accept loop would burn the whole 2 s (200 ticks); backing off costs little.
    assert!(
        spent < 40,
        "the server used {spent} ticks of CPU in 2 s while out of descriptors"
    );

    eprintln!("cpu ticks while flooded: {spent}");
    drop(flood);
    let freed = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match ping(&addr) {
            Ok(reply) if reply.contains("pong") => break,
            other => assert!(
                Instant::now() < deadline,
                "no answer 15 s after the descriptors were freed: {other:?}"
            ),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!(
        "serving again {:?} after the descriptors were freed",
        freed.elapsed()
    );
    server.stop_and_assert_success();
}
