//! Python's `xmlrpc.client` calling this server (python3 runs as a subprocess).

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use rpc_runtime::server::basic_auth;

/// Runs `python3 -c script url`, bounded by 60 s; returns stdout, panics with stderr on
/// failure.
async fn python(script: &str, url: &str) -> String {
    let child = tokio::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 runs");
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("python finished within 60 s")
        .expect("python output");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "python failed: {}\nstdout: {stdout}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

const SUITE: &str = r#"
import sys, xmlrpc.client as x
url = sys.argv[1]
p = x.ServerProxy(url)
assert p.add(5, 10) == 15
assert p.plus(1, 2) == 3
# faults keep their codes, with HTTP 200
for call, code in [(lambda: p.nosuch(), -32601), (lambda: p.add(1), -32602),
                   (lambda: p.panic(), -32603)]:
    try:
        call()
        raise AssertionError("no fault")
    except x.Fault as f:
        assert f.faultCode == code, (f.faultCode, f.faultString)
try:
    p.fault()
    raise AssertionError("no fault")
except x.Fault as f:
    assert (f.faultCode, f.faultString) == (42, "custom fault <&>"), f
# large reply: gzipped by the server (Python sends Accept-Encoding: gzip), decoded by Python
assert p.echo("x" * 5000) == "x" * 5000
# gzip request bodies
t = x.Transport()
t.encode_threshold = 100
assert x.ServerProxy(url, transport=t).echo("y" * 600) == "y" * 600
# unicode
assert p.echo("é 中 😀") == "é 中 😀"
# no path: /RPC2
host = url.split("/")[2]
assert x.ServerProxy("http://" + host).add(1, 2) == 3
# multicall
m = x.MultiCall(p)
m.add(2, 3); m.nosuch(); m.fault(); m.system.listMethods(); m.echo("s")
r = m()
assert r[0] == 5
try:
    r[1]; raise AssertionError
except x.Fault as f:
    assert f.faultCode == -32601
try:
    r[2]; raise AssertionError
except x.Fault as f:
    assert f.faultCode == 42
assert "add" in r[3]
assert r[4] == "s"
assert list(x.MultiCall(p)()) == []
# introspection
names = p.system.listMethods()
assert names == sorted(names), names
for n in ["add", "plus", "echo", "system.listMethods", "system.methodHelp",
          "system.methodSignature", "system.multicall", "system.getCapabilities"]:
    assert n in names, n
assert p.system.methodHelp("add") == "Adds two integers."
assert p.system.methodSignature("add") == [["int", "int", "int"]]
assert p.system.methodSignature("echo") == "undef"
caps = p.system.getCapabilities()
assert caps["faults_interop"] == {
    "specUrl": "http://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php",
    "specVersion": 20010516}, caps
print("OK")
"#;

#[tokio::test]
async fn python_client_suite() {
    let srv = start(|b| b).await;
    let out = python(SUITE, &srv.url()).await;
    assert_eq!(out.trim(), "OK");
}

#[tokio::test]
async fn python_keeps_one_connection_for_200_calls() {
    let srv = start(|b| b).await;
    let script = r#"
import sys, xmlrpc.client as x
p = x.ServerProxy(sys.argv[1])
for i in range(200):
    assert p.add(i, 1) == i + 1
print("OK")
"#;
    assert_eq!(python(script, &srv.url()).await.trim(), "OK");
    let peers: Vec<_> = srv.probe.peers.lock().unwrap().clone();
    assert_eq!(peers.len(), 200);
    let distinct: HashSet<_> = peers.into_iter().collect();
    assert_eq!(
        distinct.len(),
        1,
        "Python used {} connections",
        distinct.len()
    );
}

#[tokio::test]
async fn python_basic_auth_from_the_url() {
    let srv = start(|b| b.auth(basic_auth("us@er", "pa:ss"))).await;
    let script = r#"
import sys, xmlrpc.client as x
port = sys.argv[1]
good = x.ServerProxy("http://us%40er:pa%3Ass@127.0.0.1:" + port + "/RPC2")
assert good.add(1, 2) == 3
bad = x.ServerProxy("http://us%40er:nope@127.0.0.1:" + port + "/RPC2")
try:
    bad.add(1, 2)
    raise AssertionError("accepted")
except x.ProtocolError as e:
    assert e.errcode == 401, e
print("OK")
"#;
    let out = python(script, &srv.addr.port().to_string()).await;
    assert_eq!(out.trim(), "OK");
}
