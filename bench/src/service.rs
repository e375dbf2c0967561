//! The service every server under test offers, declared once for this framework's server
//! and client.

use std::sync::Arc;

use rpc_runtime::__private as rt;
use rpc_runtime::service::CallFuture;
use rpc_runtime::{Client, Fault, MethodInfo, Params, Service};

use crate::payload::Item;

/// The methods every server under test offers.
pub trait Bench: Send + Sync + 'static {
    /// The sum of two integers.
    fn add(&self, a: i32, b: i32) -> impl Future<Output = i32> + Send;
    /// Its argument, decoded into typed records and encoded again.
    fn echo(&self, items: Vec<Item>) -> impl Future<Output = Vec<Item>> + Send;
}

/// The implementation served by this framework.
pub struct BenchImpl;

impl Bench for BenchImpl {
    async fn add(&self, a: i32, b: i32) -> i32 {
        a.wrapping_add(b)
    }

    async fn echo(&self, items: Vec<Item>) -> Vec<Item> {
        items
    }
}

/// The server dispatch of [`Bench`], written as the service macro writes it.
pub struct BenchServer<T>(Arc<T>);

impl<T: Bench> BenchServer<T> {
    /// Serves `inner`.
    pub fn new(inner: T) -> Self {
        BenchServer(Arc::new(inner))
    }
}

fn add_signature() -> Vec<&'static str> {
    rt::signature(["int", "int", "int"])
}

fn echo_signature() -> Vec<&'static str> {
    rt::signature(["array", "array"])
}

impl<T: Bench> Service for BenchServer<T> {
    fn methods(&self) -> Vec<MethodInfo> {
        vec![
            MethodInfo {
                name: "add",
                aliases: &[],
                help: "The sum of two integers.",
                signature: add_signature,
            },
            MethodInfo {
                name: "echo",
                aliases: &[],
                help: "Its argument, decoded into typed records and encoded again.",
                signature: echo_signature,
            },
        ]
    }

    fn call(self: Arc<Self>, method: &str, mut params: Params<'_>) -> Option<Result<CallFuture, Fault>> {
        let inner = Arc::clone(&self.0);
        Some(match method {
            "add" => (|| {
                let a: i32 = rt::next(&mut params)?;
                let b: i32 = rt::next(&mut params)?;
                rt::finish(params)?;
                Ok(rt::respond(async move { inner.add(a, b).await }))
            })(),
            "echo" => (|| {
                let items: Vec<Item> = rt::next(&mut params)?;
                rt::finish(params)?;
                Ok(rt::respond(async move { inner.echo(items).await }))
            })(),
            _ => return None,
        })
    }
}

/// The typed client of [`Bench`], written as the service macro writes it.
#[derive(Clone)]
pub struct BenchClient(Client);

impl BenchClient {
    /// A client of the server at `url`.
    pub fn new(url: &str) -> rpc_runtime::Result<Self> {
        Ok(BenchClient(Client::new(url)?))
    }

    /// `add(a, b)`.
    pub async fn add(&self, a: i32, b: i32) -> rpc_runtime::Result<i32> {
        let mut call = rt::start_call("add")?;
        rt::param(&mut call, &a, self.0.codec_config())?;
        rt::param(&mut call, &b, self.0.codec_config())?;
        rt::call(&self.0, call).await
    }

    /// `echo(items)`.
    pub async fn echo(&self, items: Vec<Item>) -> rpc_runtime::Result<Vec<Item>> {
        let mut call = rt::start_call("echo")?;
        rt::param(&mut call, &items, self.0.codec_config())?;
        rt::call(&self.0, call).await
    }
}
