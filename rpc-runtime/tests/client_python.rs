//! This client calling Python's `SimpleXMLRPCServer` (python3 runs as a subprocess on
//! port 0; HTTP/1.0, one connection per call, gzip replies over 1400 bytes, faults with
//! code 1).

use std::time::Duration;

use rpc_runtime::{BlockingClient, Client, ErrorKind, Fault, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const SERVER: &str = r#"
import sys
from xmlrpc.server import SimpleXMLRPCServer, SimpleXMLRPCRequestHandler
from xmlrpc.client import Fault

# Remembers the Content-Encoding of the last reply, so a test can see gzip was used.
last = {"encoding": ""}
class Handler(SimpleXMLRPCRequestHandler):
    def send_header(self, name, value):
        if name.lower() == "content-encoding":
            last["encoding"] = value
        super().send_header(name, value)

def last_encoding():
    value = last["encoding"]
    last["encoding"] = ""
    return value

srv = SimpleXMLRPCServer(("127.0.0.1", 0), requestHandler=Handler, logRequests=False,
                         allow_none=True)
srv.register_function(last_encoding, "last_encoding")
srv.register_introspection_functions()
srv.register_multicall_functions()
srv.register_function(lambda a, b: a + b, "add")
srv.register_function(lambda a, b: a / b, "div")
def echo(*a):
    return a[0] if len(a) == 1 else list(a)
srv.register_function(echo, "echo")
def fault():
    raise Fault(42, "custom fault <&>")
srv.register_function(fault, "fault")
print(srv.server_address[1], flush=True)
srv.serve_forever()
"#;

struct PyServer {
    child: Child,
    port: u16,
}

impl PyServer {
    async fn start() -> PyServer {
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(SERVER)
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 runs");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        tokio::time::timeout(
            Duration::from_secs(20),
            BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .expect("the Python server announced its port")
        .expect("read port");
        let port = line.trim().parse().expect("a port number");
        PyServer { child, port }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    async fn stop(mut self) {
        // Killed by its PID (the handle's), then reaped.
        let _ = self.child.kill().await;
    }
}

#[tokio::test]
async fn calls_python_simplexmlrpcserver() {
    let py = PyServer::start().await;
    let client = Client::new(&py.url("/RPC2")).unwrap();
    assert_eq!(client.call::<i32>("add", (5, 10)).await.unwrap(), 15);

    // HTTP/1.0, closed after each reply: 20 calls in a row all succeed.
    for i in 0..20 {
        assert_eq!(client.call::<i32>("add", (i, 1)).await.unwrap(), i + 1);
    }
    // Concurrent calls on the single-threaded server.
    let calls: Vec<_> = (0..8)
        .map(|i| {
            let c = client.clone();
            tokio::spawn(async move { c.call::<i32>("add", (i, i)).await })
        })
        .collect();
    for (i, c) in calls.into_iter().enumerate() {
        assert_eq!(c.await.unwrap().unwrap(), 2 * i as i32);
    }

    // Python's faults: code 1 and the exception as text.
    let err = client.call::<f64>("div", (1, 0)).await.unwrap_err();
    assert_eq!(
        err.fault(),
        Some(&Fault::new(
            1,
            "<class 'ZeroDivisionError'>:division by zero"
        ))
    );
    let err = client.call::<Value>("nosuch", ()).await.unwrap_err();
    assert_eq!(
        err.fault(),
        Some(&Fault::new(
            1,
            "<class 'Exception'>:method \"nosuch\" is not supported"
        ))
    );
    let err = client.call::<Value>("fault", ()).await.unwrap_err();
    assert_eq!(err.fault(), Some(&Fault::new(42, "custom fault <&>")));

    // A reply over 1400 bytes comes back gzipped (we send Accept-Encoding: gzip).
    let long = "x".repeat(5000);
    let _ = client.call::<String>("last_encoding", ()).await.unwrap();
    assert_eq!(client.call::<String>("echo", (&long,)).await.unwrap(), long);
    assert_eq!(
        client.call::<String>("last_encoding", ()).await.unwrap(),
        "gzip"
    );
    let plain = Client::builder(&py.url("/RPC2"))
        .accept_gzip(false)
        .build()
        .unwrap();
    assert_eq!(plain.call::<String>("echo", (&long,)).await.unwrap(), long);
    assert_eq!(plain.call::<String>("last_encoding", ()).await.unwrap(), "");

    // Multicall.
    let results = client
        .multicall()
        .call("add", (2, 3))
        .call("div", (1, 0))
        .call("fault", ())
        .send()
        .await
        .unwrap();
    assert_eq!(results[0], Ok(Value::Int(5)));
    assert_eq!(
        results[1],
        Err(Fault::new(
            1,
            "<class 'ZeroDivisionError'>:division by zero"
        ))
    );
    assert_eq!(results[2], Err(Fault::new(42, "custom fault <&>")));

    // Introspection as Python answers it.
    let names: Vec<String> = client.call("system.listMethods", ()).await.unwrap();
    assert!(names.iter().any(|n| n == "system.multicall"));
    assert_eq!(
        client
            .call::<Value>("system.methodSignature", ("add",))
            .await
            .unwrap(),
        Value::from("signatures not supported")
    );
    assert_eq!(
        client
            .call::<String>("system.methodHelp", ("nosuch",))
            .await
            .unwrap(),
        ""
    );

    // A path Python does not serve is HTTP 404, not a fault.
    let wrong = Client::new(&py.url("/wrong")).unwrap();
    let err = wrong.call::<i32>("add", (1, 2)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(err.status(), Some(404));

    // The blocking client, from a blocking thread.
    let url = py.url("/RPC2");
    let sum = tokio::task::spawn_blocking(move || {
        let c = BlockingClient::new(&url).unwrap();
        let r = c.multicall().call("add", (1, 1)).send().unwrap();
        (c.call::<i32>("add", (40, 2)).unwrap(), r)
    })
    .await
    .unwrap();
    assert_eq!(sum.0, 42);
    assert_eq!(sum.1, vec![Ok(Value::Int(2))]);

    py.stop().await;
}
