//! The `axum_mount` example: an XML-RPC service inside an axum `Router`, called by Python's
//! `xmlrpc.client` next to a plain HTTP route.

use std::time::Duration;

use rpc_tests::{Server, run_script};

const CLIENT: &str = r#"
import sys, urllib.request
from xmlrpc.client import ServerProxy
url = sys.argv[1]
origin = url.rsplit("/", 1)[0]
print(urllib.request.urlopen(origin + "/health", timeout=30).read().decode())
proxy = ServerProxy(url)
print(proxy.greet("axum"))
print(proxy.system.listMethods())
"#;

#[test]
fn python_calls_the_service_mounted_in_axum() {
    let server = Server::example("axum_mount", &["--listen", "127.0.0.1:0"]);
    assert!(
        server.url().ends_with("/xmlrpc"),
        "announced {}",
        server.url()
    );
    let out = run_script(
        "python3",
        &["-c", CLIENT, server.url()],
        Duration::from_secs(60),
    );
    out.assert_success("Python client of the axum example");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "ok");
    assert_eq!(lines[1], "Hello, axum!");
    assert!(lines[2].contains("'greet'"), "listMethods: {}", lines[2]);
    server.stop_and_assert_success();
}
