//! The calculator of the IPC primer, in Rust: `function(a, b)` returns `a + b`.
//!
//! ```text
//! cargo run --example calculator                      # listens on 127.0.0.1:10000
//! cargo run --example calculator -- --listen 127.0.0.1:0
//! ```
//!
//! Then, from Python:
//!
//! ```python
//! from xmlrpc.client import ServerProxy
//! proxy = ServerProxy("http://127.0.0.1:10000")
//! print(proxy.function(5, 10))  # 15
//! ```
//!
//! It serves at `/` and `/RPC2` (where Python posts when the URL has no path), prints
//! `listening on http://HOST:PORT/` once it accepts connections, and stops gracefully on
//! Ctrl-C or SIGTERM.

#[path = "support/cli.rs"]
mod cli;

use rpc_runtime::Fault;

/// The primer's calculator.
#[rpc_runtime::service]
pub trait Calculator {
    /// Returns `a + b`.
    async fn function(&self, a: i64, b: i64) -> Result<i64, Fault>;
}

/// The calculator's implementation.
#[derive(Debug, Clone, Copy)]
pub struct Adder;

impl Calculator for Adder {
    async fn function(&self, a: i64, b: i64) -> Result<i64, Fault> {
        a.checked_add(b).ok_or_else(|| {
            Fault::new(
                rpc_runtime::fault::INVALID_PARAMS,
                format!("{a} + {b} does not fit a 64-bit int"),
            )
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listen = cli::listen_addr("calculator", "127.0.0.1:10000");
    let server = rpc_runtime::server::Server::builder()
        .service(CalculatorServer::new(Adder))
        .bind(listen)
        .await?;
    let stop = cli::shutdown_signal();
    cli::announce(server.local_addr(), "/");
    server.serve_with_shutdown(stop).await?;
    Ok(())
}
