//! The blocking client: an async [`Client`] driven by a private runtime.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::multicall::{Batch, split_results};
use super::{Client, ClientBuilder, ToParams};
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::fault::Fault;
use crate::value::Value;

/// The private runtime; shut down without blocking when the last handle goes, so dropping a
/// [`BlockingClient`] is fine anywhere.
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// A blocking XML-RPC client for synchronous programs: no async runtime in the caller's code.
///
/// It wraps a [`Client`] and a private single-threaded tokio runtime that runs each call
/// on the calling thread. Clones share the connections and the runtime, and may be used
/// from several threads at once.
///
/// It may be called from any thread that is not running async code, including a
/// `tokio::task::spawn_blocking` closure. Called from inside an async task it **panics**
/// (tokio refuses to block a thread that drives async tasks): use [`Client`] there.
#[derive(Clone)]
pub struct BlockingClient {
    client: Client,
    rt: Arc<Runtime>,
}

impl fmt::Debug for BlockingClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingClient")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl BlockingClient {
    /// A client for `url` with default settings.
    pub fn new(url: &str) -> Result<BlockingClient> {
        BlockingClient::from_client(Client::new(url)?)
    }

    /// A builder for a client of `url`; finish it with
    /// [`build_blocking`](ClientBuilder::build_blocking).
    pub fn builder(url: &str) -> ClientBuilder {
        Client::builder(url)
    }

    pub(crate) fn from_client(client: Client) -> Result<BlockingClient> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Error::new(ErrorKind::Transport, "cannot start the client's runtime").with_source(e)
            })?;
        Ok(BlockingClient {
            client,
            rt: Arc::new(Runtime(Some(rt))),
        })
    }

    fn block_on<F: std::future::Future>(&self, fut: F) -> F::Output {
        match &self.rt.0 {
            Some(rt) => rt.block_on(fut),
            None => unreachable!("the runtime lives as long as the client"),
        }
    }

    /// The codec settings used to write parameters and read replies.
    pub fn codec_config(&self) -> &Config {
        self.client.codec_config()
    }

    /// The async client this one drives.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// As [`Client::call_xml`], blocking the calling thread.
    pub fn call_xml<T: DeserializeOwned>(&self, body: Vec<u8>) -> Result<T> {
        self.block_on(self.client.call_xml(body))
    }

    /// As [`Client::call`], blocking the calling thread.
    pub fn call<R: DeserializeOwned>(&self, method: &str, params: impl ToParams) -> Result<R> {
        let body = self.client.encode_call(method, &params)?;
        self.call_xml(body)
    }

    /// A batch of calls sent as one `system.multicall`.
    pub fn multicall(&self) -> BlockingMulticall<'_> {
        BlockingMulticall {
            client: self,
            batch: Batch::default(),
        }
    }
}

/// A batch of calls sent as one `system.multicall` by a [`BlockingClient`]; see
/// [`Multicall`](super::Multicall).
#[derive(Debug)]
pub struct BlockingMulticall<'c> {
    client: &'c BlockingClient,
    batch: Batch,
}

impl BlockingMulticall<'_> {
    /// Adds a call of `method` with `params`.
    #[must_use]
    pub fn call(mut self, method: &str, params: impl ToParams) -> Self {
        self.push(method, params);
        self
    }

    /// Adds a call, for batches built in a loop.
    pub fn push(&mut self, method: &str, params: impl ToParams) -> &mut Self {
        self.batch.push(method, &params, self.client.codec_config());
        self
    }

    /// The number of calls added.
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    /// Whether no call was added.
    pub fn is_empty(&self) -> bool {
        self.batch.len() == 0
    }

    /// Sends the batch; each item is the value or fault of one call, in order.
    pub fn send(self) -> Result<Vec<Result<Value, Fault>>> {
        let expected = self.batch.len();
        let body = self.batch.into_body()?;
        let values: Vec<Value> = self.client.call_xml(body)?;
        split_results(values, expected)
    }
}
