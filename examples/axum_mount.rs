//! An XML-RPC service mounted inside an axum `Router`, beside ordinary HTTP routes.
//!
//! ```text
//! cargo run --example axum_mount -- --listen 127.0.0.1:0
//! ```
//!
//! `GET /health` answers `ok`; `POST /xmlrpc` is the XML-RPC endpoint, served by the
//! runtime's [`RpcService`](rpc_runtime::server::RpcService), a `tower::Service` over
//! `http::Request`. axum owns the connections here (accepting, keep-alive, graceful
//! shutdown); the service does the per-request work: method and path checks, body limits,
//! gzip, dispatch, introspection and faults. The first stdout line is
//! `listening on http://HOST:PORT/xmlrpc`; SIGINT or SIGTERM stops it gracefully.
//!
//! ```python
//! from xmlrpc.client import ServerProxy
//! print(ServerProxy("http://127.0.0.1:PORT/xmlrpc").greet("axum"))  # Hello, axum!
//! ```

#[path = "support/cli.rs"]
mod cli;

use axum::Router;
use axum::routing::get;
use rpc_runtime::server::Server;

/// A greeting service.
#[rpc_runtime::service]
pub trait Greeter {
    /// Returns `Hello, NAME!`.
    async fn greet(&self, name: String) -> String;
}

/// The greeter's implementation.
#[derive(Debug, Clone, Copy)]
pub struct Hello;

impl Greeter for Hello {
    async fn greet(&self, name: String) -> String {
        format!("Hello, {name}!")
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listen = cli::listen_addr("axum_mount", "127.0.0.1:8080");
    // The service checks the path itself too, so tell it where it is mounted.
    let rpc = Server::builder()
        .service(GreeterServer::new(Hello))
        .paths(["/xmlrpc"])
        .into_service()?;
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route_service("/xmlrpc", rpc);
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let stop = cli::shutdown_signal();
    cli::announce(listener.local_addr()?, "/xmlrpc");
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}
