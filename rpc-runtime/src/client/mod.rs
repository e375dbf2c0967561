//! The HTTP client: async [`Client`] and [`BlockingClient`].
//!
//! SKELETON: signatures are fixed; bodies are being written.

use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::error::Result;

/// An async XML-RPC client: cloneable, shared by many tasks, pooling keep-alive connections.
#[derive(Clone)]
pub struct Client {
    config: Config,
}

impl Client {
    /// A client for `url` (`http://[user:pass@]host[:port][/path]`) with default settings.
    pub fn new(url: &str) -> Result<Client> {
        let _ = url;
        unimplemented!()
    }

    /// The codec settings used to write parameters and read replies.
    pub fn codec_config(&self) -> &Config {
        &self.config
    }

    /// Sends a `<methodCall>` document (as built by [`CallWriter`](crate::CallWriter)) and
    /// decodes the reply's value as `T`; a fault answer is an error of kind
    /// [`ErrorKind::Fault`](crate::ErrorKind::Fault).
    pub async fn call_xml<T: DeserializeOwned>(&self, body: Vec<u8>) -> Result<T> {
        let _ = body;
        unimplemented!()
    }
}

/// A blocking XML-RPC client for synchronous programs: no async runtime in the caller's code.
#[derive(Clone)]
pub struct BlockingClient {
    config: Config,
}

impl BlockingClient {
    /// A client for `url` with default settings.
    pub fn new(url: &str) -> Result<BlockingClient> {
        let _ = url;
        unimplemented!()
    }

    /// The codec settings used to write parameters and read replies.
    pub fn codec_config(&self) -> &Config {
        &self.config
    }

    /// As [`Client::call_xml`], blocking the calling thread.
    pub fn call_xml<T: DeserializeOwned>(&self, body: Vec<u8>) -> Result<T> {
        let _ = body;
        unimplemented!()
    }
}
