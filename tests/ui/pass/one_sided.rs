//! `server` or `client` alone: one-directional types are enough for the side generated.

use serde::{Deserialize, Serialize};

/// Only read by the server.
#[derive(Deserialize)]
pub struct Input {
    /// A number.
    pub x: i32,
}

/// Only written by the server.
#[derive(Serialize)]
pub struct Output {
    /// A number.
    pub y: i32,
}

/// Served here, called by another program.
#[rpc_runtime::service(server, namespace = "s")]
pub trait ServedOnly {
    /// Doubles.
    async fn double(&self, input: Input) -> Output;
}

/// Only read by the client.
#[derive(Deserialize)]
pub struct Reply {
    /// A number.
    pub y: i32,
}

/// Only written by the client.
#[derive(Serialize)]
pub struct Request {
    /// A number.
    pub x: i32,
}

/// Served by another program, called here.
#[rpc_runtime::service(client)]
pub trait CalledOnly {
    /// Doubles.
    async fn double(&self, request: Request) -> Reply;
}

struct Doubler;

impl ServedOnly for Doubler {
    async fn double(&self, input: Input) -> Output {
        Output { y: input.x * 2 }
    }
}

#[allow(dead_code)]
async fn call(client: CalledOnlyClient) -> i32 {
    client.double(Request { x: 1 }).await.map(|r| r.y).unwrap_or(0)
}

fn main() {
    use rpc_runtime::Service;
    let server = ServedOnlyServer::new(Doubler);
    // The result type only implements `Serialize`: its signature name is `undef`.
    assert_eq!((server.methods()[0].signature)(), ["undef", "struct"]);
}
