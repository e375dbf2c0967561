//! https with the `rustls` feature: the client calls a Python `SimpleXMLRPCServer` behind
//! TLS with a self-signed certificate (made by the `openssl` command) that the test trusts.
#![cfg(feature = "rustls")]

use std::sync::Arc;
use std::time::Duration;

use rpc_runtime::{Client, ErrorKind};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const SERVER: &str = r#"
import ssl, sys
from xmlrpc.server import SimpleXMLRPCServer
srv = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False)
srv.register_function(lambda a, b: a + b, "add")
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
"#;

fn openssl(args: &[&str]) {
    let status = std::process::Command::new("openssl")
        .args(args)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success(), "openssl {args:?}");
}

#[tokio::test]
async fn https_call_with_a_trusted_self_signed_certificate() {
    let dir = std::env::temp_dir().join(format!("rpc-runtime-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key, der) = (
        dir.join("cert.pem"),
        dir.join("key.pem"),
        dir.join("cert.der"),
    );
    let p = |p: &std::path::Path| p.to_str().unwrap().to_owned();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
        "-keyout",
        &p(&key),
        "-out",
        &p(&cert),
    ]);
    openssl(&[
        "x509",
        "-in",
        &p(&cert),
        "-outform",
        "der",
        "-out",
        &p(&der),
    ]);

    let mut child = Command::new("python3")
        .args(["-c", SERVER, &p(&cert), &p(&key)])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(20),
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line),
    )
    .await
    .expect("port announced")
    .unwrap();
    let port: u16 = line.trim().parse().unwrap();
    let url = format!("https://127.0.0.1:{port}/RPC2");

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(
            std::fs::read(&der).unwrap(),
        ))
        .unwrap();
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let client = Client::builder(&url).tls_config(tls).build().unwrap();
    assert_eq!(client.call::<i32>("add", (20, 22)).await.unwrap(), 42);

    // Without trusting the certificate the call fails at the transport level.
    let untrusting = Client::new(&url).unwrap();
    let err = untrusting.call::<i32>("add", (1, 1)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");

    let _ = child.kill().await;
    let _ = std::fs::remove_dir_all(&dir);
}
