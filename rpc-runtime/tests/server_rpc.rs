//! The server's dispatch: faults, panics, deadlines, context, gzip, multicall,
//! introspection, shutdown with calls in flight, load shedding.

mod common;

use std::collections::HashSet;
use std::io::Write as _;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::*;
use rpc_runtime::{Client, ErrorKind, Fault, Value, fault};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

fn fault_of(err: rpc_runtime::Error) -> Fault {
    assert_eq!(err.kind(), ErrorKind::Fault, "{err:?}");
    err.into_fault().unwrap()
}

#[tokio::test]
async fn answers_a_python_shaped_call_with_text_xml_and_content_length() {
    let srv = start(|b| b).await;
    let r = raw(srv.addr, &post("/RPC2", "", &call_ints("add", &[5, 10]))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/xml"));
    assert_eq!(
        r.header("content-length")
            .and_then(|v| v.parse::<usize>().ok()),
        Some(r.body.len())
    );
    let value: i32 = r.result();
    assert_eq!(value, 15);
    // The other default path, and a query string (matched on the path part).
    let r = raw(srv.addr, &post("/", "", &call_ints("add", &[1, 2]))).await;
    assert_eq!(r.status, 200);
    let r = raw(srv.addr, &post("/RPC2?x=1", "", &call_ints("add", &[1, 2]))).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn custom_paths_replace_the_defaults() {
    let srv = start(|b| b.path("/pyblish")).await;
    let r = raw(srv.addr, &post("/pyblish", "", &call_ints("add", &[1, 2]))).await;
    assert_eq!(r.status, 200);
    let r = raw(srv.addr, &post("/RPC2", "", &call_ints("add", &[1, 2]))).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn http_1_0_client_is_answered_and_the_connection_closed() {
    let srv = start(|b| b).await;
    let body = call_ints("add", &[2, 3]);
    let mut req = format!(
        "POST /RPC2 HTTP/1.0\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(&body);
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(&req).await.unwrap();
    let r = read_response(&mut s).await.unwrap();
    assert_eq!(r.status, 200);
    assert!(r.text().contains(">5<"), "{}", r.text());
    assert!(closed_within(&mut s, Duration::from_secs(3)).await);
}

#[tokio::test]
async fn chunked_request_is_accepted() {
    let srv = start(|b| b).await;
    let body = call_ints("add", &[2, 3]);
    let mut req = b"POST /RPC2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    req.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
    req.extend_from_slice(&body);
    req.extend_from_slice(b"\r\n0\r\n\r\n");
    let r = raw(srv.addr, &req).await;
    assert_eq!(r.status, 200);
    assert!(r.text().contains(">5<"), "{}", r.text());
}

#[tokio::test]
async fn protocol_errors_are_faults_with_http_200() {
    let srv = start(|b| b).await;
    let cases: [(&[u8], i32); 5] = [
        (b"<methodCall><methodName>add</methodName", fault::PARSE_ERROR),
        (b"<foo/>", fault::INVALID_REQUEST),
        (&call_ints("nosuch", &[]), fault::METHOD_NOT_FOUND),
        (&call_ints("add", &[1]), fault::INVALID_PARAMS),
        (
            b"<methodCall><methodName>add</methodName><params><param><value><string>a</string></value></param><param><value><int>1</int></value></param></params></methodCall>",
            fault::INVALID_PARAMS,
        ),
    ];
    for (body, code) in cases {
        let r = raw(srv.addr, &post("/RPC2", "", body)).await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(body));
        let parsed: Result<Value, Fault> =
            rpc_runtime::parse_response(&r.body, &Default::default()).unwrap();
        assert_eq!(
            parsed.unwrap_err().code,
            code,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[tokio::test]
async fn latin1_requests_are_read_and_others_declaring_it_badly_are_faults() {
    let srv = start(|b| b).await;
    // Python's client with `encoding='iso-8859-1'`: `é` as one byte, `中` as a reference.
    let body = b"<?xml version='1.0' encoding='iso-8859-1'?>\n<methodCall>\n<methodName>echo</methodName>\n<params>\n<param>\n<value><string>\xe9&#20013;</string></value>\n</param>\n</params>\n</methodCall>\n";
    let r = raw(srv.addr, &post("/RPC2", "", body)).await;
    let echoed: String = r.result();
    assert_eq!(echoed, "é中");
    // Errors in the rest of the document are the converted document's errors.
    for (body, code, says) in [
        (
            &b"<?xml version='1.0' encoding='latin-1'?><methodCall><methodName>add</methodName><params><param><value><int>\xe9</int></value></param></params></methodCall>"[..],
            fault::INVALID_PARAMS,
            "`\u{e9}`",
        ),
        (
            b"<?xml version='1.0' encoding='latin-1'?><methodCall><methodName>echo</methodName><params><param><value>\xe9</value></param></params>",
            fault::PARSE_ERROR,
            "ends inside an element",
        ),
    ] {
        let r = raw(srv.addr, &post("/RPC2", "", body)).await;
        let parsed: Result<Value, Fault> =
            rpc_runtime::parse_response(&r.body, &Default::default()).unwrap();
        let f = parsed.unwrap_err();
        assert_eq!(f.code, code, "{f:?}");
        assert!(f.string.contains(says), "{f:?}");
    }
    // Another encoding is refused as the reader refuses it.
    let body = b"<?xml version='1.0' encoding='windows-1252'?><methodCall><methodName>echo</methodName></methodCall>";
    let r = raw(srv.addr, &post("/RPC2", "", body)).await;
    let parsed: Result<Value, Fault> =
        rpc_runtime::parse_response(&r.body, &Default::default()).unwrap();
    let f = parsed.unwrap_err();
    assert!(f.string.contains("windows-1252"), "{f:?}");
}

#[tokio::test]
async fn user_fault_reaches_the_client_as_is() {
    let srv = start(|b| b).await;
    let client = Client::new(&srv.url()).unwrap();
    let f = fault_of(client.call::<Value>("fault", ()).await.unwrap_err());
    assert_eq!(f, Fault::new(42, "custom fault <&>"));
}

#[tokio::test]
async fn panicking_handler_is_a_fixed_fault_and_the_server_goes_on() {
    let srv = start(|b| b).await;
    let r = raw(srv.addr, &post("/RPC2", "", &call_ints("panic", &[]))).await;
    assert_eq!(r.status, 200);
    assert!(!r.text().contains("secret"), "{}", r.text());
    let parsed: Result<Value, Fault> =
        rpc_runtime::parse_response(&r.body, &Default::default()).unwrap();
    assert_eq!(
        parsed.unwrap_err(),
        Fault::new(fault::INTERNAL_ERROR, "internal error")
    );

    // Reused connection and new ones keep working.
    let client = Client::new(&srv.url()).unwrap();
    for i in 0..50 {
        if i % 10 == 0 {
            assert!(client.call::<Value>("panic", ()).await.is_err());
        }
        assert_eq!(client.call::<i32>("add", (i, 1)).await.unwrap(), i + 1);
    }
    for i in 0..10 {
        let r = raw(srv.addr, &post("/RPC2", "", &call_ints("add", &[i, 1]))).await;
        assert_eq!(r.status, 200);
    }
}

#[tokio::test]
async fn slow_handler_is_fault_32002_and_is_dropped() {
    let srv = start(|b| b.handler_timeout(Duration::from_millis(300))).await;
    let client = Client::new(&srv.url()).unwrap();
    let started = Instant::now();
    let f = fault_of(client.call::<i32>("sleep", (5_000,)).await.unwrap_err());
    assert_eq!(f.code, fault::TIMEOUT);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(srv.probe.sleep_dropped.load(Ordering::SeqCst));
    assert!(!srv.probe.sleep_finished.load(Ordering::SeqCst));
    // A fast call is unaffected.
    assert_eq!(client.call::<i32>("sleep", (10,)).await.unwrap(), 10);
}

#[tokio::test]
async fn busy_handler_is_cut_off_at_the_deadline() {
    // A handler that never waits on anything but tokio's budget spends that budget on every
    // poll: the deadline must still be checked.
    let srv = start(|b| b.handler_timeout(Duration::from_millis(300))).await;
    let client = Client::new(&srv.url()).unwrap();
    let started = Instant::now();
    let f = tokio::time::timeout(Duration::from_secs(10), client.call::<i32>("busy", ()))
        .await
        .expect("answered")
        .unwrap_err();
    assert_eq!(fault_of(f).code, fault::TIMEOUT);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(client.call::<i32>("add", (1, 2)).await.unwrap(), 3);
}

#[tokio::test]
async fn longest_timeouts_do_not_overflow_a_deadline() {
    let srv = start(|b| {
        b.handler_timeout(Duration::MAX)
            .body_timeout(Duration::MAX)
            .header_read_timeout(Some(Duration::MAX))
    })
    .await;
    let client = Client::new(&srv.url()).unwrap();
    // Not finished at its first poll: the handler's deadline is armed.
    assert_eq!(client.call::<i32>("sleep", (20,)).await.unwrap(), 20);
    // A body still arriving at the first poll: the body's deadline is armed.
    let call = call_ints("add", &[2, 3]);
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let head = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n\r\n",
        call.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&call[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    s.write_all(&call[10..]).await.unwrap();
    let r = read_response(&mut s).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.result::<i32>(), 5);
}

#[tokio::test]
async fn context_gives_peer_headers_and_method() {
    let srv = start(|b| b).await;
    let client = Client::builder(&srv.url())
        .header("X-Test", "hello")
        .build()
        .unwrap();
    let (peer, header, method): (String, String, String) = client.call("whoami", ()).await.unwrap();
    assert!(peer.starts_with("127.0.0.1:"), "{peer}");
    assert_ne!(peer, srv.addr.to_string());
    assert_eq!(header, "hello");
    assert_eq!(method, "whoami");
    // Inside system.multicall too, with the sub-call's name.
    let results = client.multicall().call("whoami", ()).send().await.unwrap();
    let (p2, h2, m2): (String, String, String) =
        rpc_runtime::from_value(results[0].clone().unwrap()).unwrap();
    assert!(p2.starts_with("127.0.0.1:"));
    assert_eq!((h2.as_str(), m2.as_str()), ("hello", "whoami"));
}

#[tokio::test]
async fn gzip_request_and_reply() {
    let srv = start(|b| b).await;
    let call = call_ints("add", &[20, 22]);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&call).unwrap();
    let gz = enc.finish().unwrap();
    let r = raw(srv.addr, &post("/RPC2", "Content-Encoding: gzip\r\n", &gz)).await;
    assert_eq!(r.status, 200);
    assert!(r.text().contains(">42<"), "{}", r.text());

    // A long reply is gzipped when the client accepts gzip, and only then.
    let long = "x".repeat(5000);
    let body = format!(
        "<?xml version='1.0'?><methodCall><methodName>echo</methodName><params><param><value><string>{long}</string></value></param></params></methodCall>"
    );
    let r = raw(
        srv.addr,
        &post("/RPC2", "Accept-Encoding: gzip\r\n", body.as_bytes()),
    )
    .await;
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert!(r.body.len() < 1000);
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&r.body[..]), &mut plain).unwrap();
    assert!(String::from_utf8_lossy(&plain).contains(&long));
    for accept in [
        "",
        "Accept-Encoding: gzip;q=0\r\n",
        "Accept-Encoding: deflate\r\n",
    ] {
        let r = raw(srv.addr, &post("/RPC2", accept, body.as_bytes())).await;
        assert_eq!(r.header("content-encoding"), None, "{accept}");
        assert!(r.text().contains(&long));
    }
    // A short reply is never gzipped.
    let r = raw(
        srv.addr,
        &post(
            "/RPC2",
            "Accept-Encoding: gzip\r\n",
            &call_ints("add", &[1, 1]),
        ),
    )
    .await;
    assert_eq!(r.header("content-encoding"), None);
}

#[tokio::test]
async fn multicall_shapes_and_rules() {
    let srv = start(|b| b.max_multicall(8)).await;
    let client = Client::new(&srv.url()).unwrap();
    let results = client
        .multicall()
        .call("add", (2, 3))
        .call("nosuch", ())
        .call("fault", ())
        .call("echo", ("x",))
        .call("system.listMethods", ())
        .call("system.multicall", (Vec::<Value>::new(),))
        .send()
        .await
        .unwrap();
    assert_eq!(results.len(), 6);
    assert_eq!(results[0], Ok(Value::Int(5)));
    assert_eq!(
        results[1].as_ref().unwrap_err().code,
        fault::METHOD_NOT_FOUND
    );
    assert_eq!(results[2], Err(Fault::new(42, "custom fault <&>")));
    assert_eq!(results[3], Ok(Value::from("x")));
    assert!(matches!(results[4], Ok(Value::Array(_))));
    assert_eq!(
        results[5].as_ref().unwrap_err().code,
        fault::INVALID_REQUEST
    );

    // The wire shape: successes wrapped in a one-element array, faults bare.
    let body = b"<?xml version='1.0'?><methodCall><methodName>system.multicall</methodName><params><param><value><array><data>\
        <value><struct><member><name>methodName</name><value><string>add</string></value></member><member><name>params</name><value><array><data><value><int>2</int></value><value><int>3</int></value></data></array></value></member></struct></value>\
        <value><int>7</int></value>\
        <value><struct><member><name>methodName</name><value><string>add</string></value></member></struct></value>\
        <value><struct><member><name>methodName</name><value><string>add</string></value></member><member><name>params</name><value><int>1</int></value></member></struct></value>\
        </data></array></value></param></params></methodCall>";
    let r = raw(srv.addr, &post("/RPC2", "", body)).await;
    let values: Vec<Value> = r.result();
    assert_eq!(values[0], Value::Array(vec![Value::Int(5)]));
    for (i, v) in values.iter().enumerate().skip(1) {
        assert_eq!(
            v.get("faultCode").and_then(Value::as_i32),
            Some(fault::INVALID_REQUEST),
            "item {i}: {v:?}"
        );
    }

    // Empty: an empty array.
    assert_eq!(client.multicall().send().await.unwrap(), vec![]);

    // Over the cap: one fault for the whole request.
    let mut big = client.multicall();
    for i in 0..9 {
        big.push("add", (i, i));
    }
    let f = fault_of(big.send().await.unwrap_err());
    assert_eq!(f.code, fault::LIMIT_EXCEEDED);

    // Wrong parameter shape.
    let f = fault_of(
        client
            .call::<Value>("system.multicall", (1,))
            .await
            .unwrap_err(),
    );
    assert_eq!(f.code, fault::INVALID_PARAMS);
}

#[tokio::test]
async fn multicall_can_be_turned_off() {
    let srv = start(|b| b.multicall(false)).await;
    let client = Client::new(&srv.url()).unwrap();
    let f = fault_of(
        client
            .multicall()
            .call("add", (1, 2))
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(f.code, fault::METHOD_NOT_FOUND);
    let names: Vec<String> = client.call("system.listMethods", ()).await.unwrap();
    assert!(!names.iter().any(|n| n == "system.multicall"));
}

#[tokio::test]
async fn introspection() {
    let (extra, _) = TestService::new();
    let srv = start(|b| b.service_with_prefix("ns", extra)).await;
    let client = Client::new(&srv.url()).unwrap();
    let names: Vec<String> = client.call("system.listMethods", ()).await.unwrap();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for n in [
        "add",
        "plus",
        "ns.add",
        "ns.plus",
        "echo",
        "system.listMethods",
        "system.methodHelp",
        "system.methodSignature",
        "system.getCapabilities",
        "system.multicall",
    ] {
        assert!(names.iter().any(|m| m == n), "{n} missing from {names:?}");
    }
    assert_eq!(
        client
            .call::<String>("system.methodHelp", ("add",))
            .await
            .unwrap(),
        "Adds two integers."
    );
    assert_eq!(
        client
            .call::<String>("system.methodHelp", ("ns.plus",))
            .await
            .unwrap(),
        "Adds two integers."
    );
    let f = fault_of(
        client
            .call::<String>("system.methodHelp", ("nosuch",))
            .await
            .unwrap_err(),
    );
    assert_eq!(f.code, fault::METHOD_NOT_FOUND);
    assert_eq!(
        client
            .call::<Vec<Vec<String>>>("system.methodSignature", ("add",))
            .await
            .unwrap(),
        vec![vec!["int", "int", "int"]]
    );
    assert_eq!(
        client
            .call::<String>("system.methodSignature", ("echo",))
            .await
            .unwrap(),
        "undef"
    );
    assert_eq!(
        client
            .call::<Vec<Vec<String>>>("system.methodSignature", ("system.multicall",))
            .await
            .unwrap(),
        vec![vec!["array", "array"]]
    );
    let f = fault_of(
        client
            .call::<Value>("system.methodSignature", ("nosuch",))
            .await
            .unwrap_err(),
    );
    assert_eq!(f.code, fault::METHOD_NOT_FOUND);
    let caps: Value = client.call("system.getCapabilities", ()).await.unwrap();
    let fi = caps.get("faults_interop").expect("faults_interop");
    assert_eq!(
        fi.get("specUrl").and_then(Value::as_str),
        Some("http://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php")
    );
    assert_eq!(fi.get("specVersion"), Some(&Value::Int(20010516)));
    for key in ["xmlrpc", "system.multicall", "introspect"] {
        assert!(
            caps.get(key).and_then(|c| c.get("specUrl")).is_some(),
            "{key}"
        );
    }
    // Prefixed services dispatch under their namespace.
    assert_eq!(client.call::<i32>("ns.add", (1, 2)).await.unwrap(), 3);
    // Wrong arity for a built-in.
    let f = fault_of(
        client
            .call::<Value>("system.listMethods", (1,))
            .await
            .unwrap_err(),
    );
    assert_eq!(f.code, fault::INVALID_PARAMS);
}

#[tokio::test]
async fn shutdown_lets_the_call_in_flight_finish_and_closes_idle_connections() {
    let mut srv = start(|b| b).await;
    let mut idle = Vec::new();
    for _ in 0..10 {
        idle.push(TcpStream::connect(srv.addr).await.unwrap());
    }
    let client = Client::new(&srv.url()).unwrap();
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.call::<i32>("sleep", (800,)).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    srv.stop();
    for s in &mut idle {
        assert!(closed_within(s, Duration::from_millis(500)).await);
    }
    assert!(started.elapsed() < Duration::from_millis(600));
    assert_eq!(call.await.unwrap().unwrap(), 800);
    let served = tokio::time::timeout(Duration::from_secs(5), &mut srv.task)
        .await
        .expect("serve returns")
        .unwrap();
    assert!(served.is_ok());
    assert!(srv.probe.sleep_finished.load(Ordering::SeqCst));
}

#[tokio::test]
async fn longest_grace_period_still_lets_serve_return() {
    // A grace period too long to add to a deadline: once the call in flight is answered,
    // `serve` returns.
    let mut srv = start(|b| b.shutdown_grace(Duration::MAX)).await;
    let client = Client::new(&srv.url()).unwrap();
    let call = tokio::spawn(async move { client.call::<i32>("sleep", (300,)).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    srv.stop();
    assert_eq!(call.await.unwrap().unwrap(), 300);
    let served = tokio::time::timeout(Duration::from_secs(5), &mut srv.task)
        .await
        .expect("serve returns");
    assert!(served.unwrap().is_ok());
}

#[tokio::test]
async fn grace_period_ends_a_call_that_runs_too_long() {
    let mut srv = start(|b| b.shutdown_grace(Duration::from_millis(300))).await;
    let client = Client::new(&srv.url()).unwrap();
    let call = tokio::spawn(async move { client.call::<i32>("sleep", (10_000,)).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    srv.stop();
    let served = tokio::time::timeout(Duration::from_secs(5), &mut srv.task)
        .await
        .expect("serve returns");
    assert!(served.unwrap().is_ok());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        call.await.unwrap().unwrap_err().kind(),
        ErrorKind::Transport
    );
}

#[tokio::test]
async fn many_idle_connections_do_not_block_a_real_call() {
    let srv = start(|b| b).await;
    let mut idle = Vec::new();
    for _ in 0..500 {
        let mut s = TcpStream::connect(srv.addr).await.unwrap();
        // Half of them sent a partial head (slowloris), half nothing.
        if idle.len() % 2 == 0 {
            s.write_all(b"POST /RPC2 HTTP/1.1\r\nHost: t\r\n")
                .await
                .unwrap();
        }
        idle.push(s);
    }
    let client = Client::new(&srv.url()).unwrap();
    let answered = tokio::time::timeout(Duration::from_secs(5), client.call::<i32>("add", (2, 2)))
        .await
        .expect("answered while 500 connections idle");
    assert_eq!(answered.unwrap(), 4);
}

#[tokio::test]
async fn connections_over_the_cap_wait_for_a_free_slot() {
    let srv = start(|b| b.max_connections(2)).await;
    let mut held = vec![
        TcpStream::connect(srv.addr).await.unwrap(),
        TcpStream::connect(srv.addr).await.unwrap(),
    ];
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The third connection is accepted by the kernel but not served yet.
    let client = Client::builder(&srv.url())
        .request_timeout(Some(Duration::from_millis(500)))
        .build()
        .unwrap();
    let err = client.call::<i32>("add", (1, 1)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    // Once a slot frees, calls are served.
    held.pop();
    let client = Client::new(&srv.url()).unwrap();
    let r = tokio::time::timeout(Duration::from_secs(5), client.call::<i32>("add", (1, 1)))
        .await
        .expect("served after a slot freed");
    assert_eq!(r.unwrap(), 2);
}

#[tokio::test]
async fn calls_over_the_in_flight_cap_get_503() {
    let srv = start(|b| b.max_in_flight(2)).await;
    let client = Client::new(&srv.url()).unwrap();
    let slow: Vec<_> = (0..2)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.call::<i32>("sleep", (700,)).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let err = client.call::<i32>("add", (1, 1)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(err.status(), Some(503));
    for s in slow {
        assert_eq!(s.await.unwrap().unwrap(), 700);
    }
    assert_eq!(client.call::<i32>("add", (1, 1)).await.unwrap(), 2);
}

#[tokio::test]
async fn keep_alive_reuses_one_connection() {
    let srv = start(|b| b).await;
    let client = Client::new(&srv.url()).unwrap();
    for i in 0..20 {
        assert_eq!(client.call::<i32>("add", (i, i)).await.unwrap(), 2 * i);
    }
    let peers: HashSet<_> = srv.probe.peers.lock().unwrap().iter().copied().collect();
    assert_eq!(peers.len(), 1, "{peers:?}");
}

/// The test service as a tower service, without a listener.
fn tower_endpoint() -> rpc_runtime::server::RpcService {
    let (svc, _) = TestService::new();
    rpc_runtime::server::Server::builder()
        .service(svc)
        .into_service()
        .unwrap()
}

#[tokio::test]
async fn rpc_service_answers_413_for_a_body_over_a_limit_in_front_of_it() {
    use tower::ServiceExt as _;
    let rpc = tower_endpoint();
    // As a body-limit layer in front of the service would hand it over.
    let body = http_body_util::Limited::new(
        http_body_util::Full::new(bytes::Bytes::from(call_ints("add", &[1, 2]))),
        16,
    );
    let req = http::Request::builder()
        .method("POST")
        .uri("/RPC2")
        .body(body)
        .unwrap();
    let res = rpc.oneshot(req).await.unwrap();
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn rpc_service_works_as_a_tower_service() {
    use tower::ServiceExt as _;
    let rpc = tower_endpoint();
    let req = http::Request::builder()
        .method("POST")
        .uri("/RPC2")
        .extension::<std::net::SocketAddr>("10.0.0.1:5555".parse().unwrap())
        .header("x-test", "via tower")
        .body(http_body_util::Full::new(bytes::Bytes::from(call_ints(
            "whoami",
            &[],
        ))))
        .unwrap();
    let res = rpc.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200);
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    let (peer, header, _): (String, String, String) =
        rpc_runtime::parse_response(&body, &Default::default())
            .unwrap()
            .unwrap();
    assert_eq!(peer, "10.0.0.1:5555");
    assert_eq!(header, "via tower");
    let req = http::Request::builder()
        .method("GET")
        .uri("/RPC2")
        .body(http_body_util::Full::new(bytes::Bytes::new()))
        .unwrap();
    assert_eq!(rpc.oneshot(req).await.unwrap().status(), 405);
}

#[tokio::test]
async fn mounts_in_an_axum_router() {
    use tower::ServiceExt as _;
    let (svc, _) = TestService::new();
    let rpc = rpc_runtime::server::Server::builder()
        .service(svc)
        .paths(["/api/xmlrpc"])
        .into_service()
        .unwrap();
    let app = axum::Router::new().route_service("/api/xmlrpc", rpc);
    let req = http::Request::builder()
        .method("POST")
        .uri("/api/xmlrpc")
        .body(axum::body::Body::from(call_ints("add", &[20, 22])))
        .unwrap();
    let res = app.oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/xml");
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    let sum: i32 = rpc_runtime::parse_response(&body, &Default::default())
        .unwrap()
        .unwrap();
    assert_eq!(sum, 42);
}
