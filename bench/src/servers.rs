//! The servers under load, each a subcommand of this binary so that it runs in a process
//! of its own (pinned to its own core, its memory read from `/proc`): the bare hyper
//! limit, this framework, and dxr. Each binds `127.0.0.1:0`, prints `LISTENING <port>` on
//! stdout, and serves until killed.

use std::convert::Infallible;
use std::io::Write as _;
use std::net::SocketAddr;

use bytes::Bytes;
#[cfg(feature = "peers")]
use dxr::{
    Fault as DxrFault, TryFromParams as _, TryFromValue as _, TryToValue as _, Value as DxrValue,
};
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::{TokioIo, TokioTimer};
use rpc_runtime::Config;
use rpc_runtime::server::Server;
use tokio::net::TcpListener;

use crate::payload::{Item, Workload};
use crate::service::{BenchImpl, BenchServer};

/// The runtime every server runs on: tokio's multi-threaded scheduler with its default
/// worker count, which is the number of cores the process may run on (one under
/// `taskset -c 1`).
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn announce(addr: SocketAddr) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "LISTENING {}", addr.port());
    let _ = out.flush();
}

/// A hyper HTTP/1.1 server that reads each request's body whole and answers a fixed
/// XML-RPC reply: the least any XML-RPC server over hyper can do.
pub fn bare(workload: Workload) {
    let reply = Bytes::from(workload.fixed_reply());
    runtime().block_on(async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        announce(listener.local_addr().expect("addr"));
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new());
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let reply = reply.clone();
            let conn = http.serve_connection(
                TokioIo::new(stream),
                hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let reply = reply.clone();
                    async move {
                        // Read the body to the end, as any server must before answering.
                        let body = req.into_body().collect().await.map(|b| b.to_bytes());
                        let status = if body.is_ok() { 200 } else { 400 };
                        let mut res = http::Response::new(Full::new(reply));
                        *res.status_mut() = http::StatusCode::from_u16(status).expect("status");
                        res.headers_mut().insert(
                            http::header::CONTENT_TYPE,
                            http::HeaderValue::from_static("text/xml"),
                        );
                        Ok::<_, Infallible>(res)
                    }
                }),
            );
            tokio::spawn(conn);
        }
    });
}

/// This framework's server, with the service macro's dispatch; `max_body` raises both the
/// HTTP body limit and the codec's `max_size` (the default is 8 MiB).
pub fn framework(max_body: Option<usize>) {
    runtime().block_on(async move {
        let mut builder = Server::builder().service(BenchServer::new(BenchImpl));
        if let Some(max) = max_body {
            builder = builder
                .max_body_size(max)
                .codec_config(Config::DEFAULT.max_size(max));
        }
        let server = builder.bind("127.0.0.1:0").await.expect("bind");
        announce(server.local_addr());
        server.serve().await.expect("serve");
    });
}

/// `add` for dxr: two `<i4>` parameters.
#[cfg(feature = "peers")]
fn dxr_add(params: &[DxrValue], _: http::HeaderMap) -> Result<DxrValue, DxrFault> {
    let (a, b) = <(i32, i32)>::try_from_params(params)?;
    Ok(a.wrapping_add(b).try_to_value()?)
}

/// `echo` for dxr, typed as for this framework: the array decoded into `Item`s with dxr's
/// derive and encoded again.
#[cfg(feature = "peers")]
fn dxr_echo(params: &[DxrValue], _: http::HeaderMap) -> Result<DxrValue, DxrFault> {
    let [items] = params else {
        return Err(DxrFault::new(400, "one parameter expected".to_owned()));
    };
    let items = Vec::<Item>::try_from_value(items)?;
    Ok(items.try_to_value()?)
}

/// dxr 0.9's server: its axum `Router` served by `axum::serve` (dxr's own `Server` does
/// the same), on the same runtime as the others.
#[cfg(feature = "peers")]
pub fn dxr() {
    runtime().block_on(async move {
        let route = dxr_server::RouteBuilder::new()
            .set_path("/RPC2")
            .add_method("add", Box::new(dxr_add as dxr_server::HandlerFn))
            .add_method("echo", Box::new(dxr_echo as dxr_server::HandlerFn))
            .build();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        announce(listener.local_addr().expect("addr"));
        dxr_server::axum::serve(listener, route)
            .await
            .expect("serve");
    });
}
