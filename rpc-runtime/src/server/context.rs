//! The request context a handler can read: peer address and HTTP headers.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

tokio::task_local! {
    static CURRENT: Context;
}

/// What the server knows about the request a handler is answering.
///
/// Handlers read it with [`Context::current`] (or [`Context::try_current`]); the server sets it
/// for every call, including calls inside `system.multicall` and methods that run on the
/// blocking pool.
#[derive(Clone, Debug)]
pub struct Context {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    peer: Option<SocketAddr>,
    headers: http::HeaderMap,
    method: String,
    codec: crate::Config,
}

impl Context {
    /// A context for a request from `peer` with these headers, calling `method`.
    pub fn new(
        peer: Option<SocketAddr>,
        headers: http::HeaderMap,
        method: impl Into<String>,
    ) -> Self {
        Context {
            inner: Arc::new(Inner {
                peer,
                headers,
                method: method.into(),
                codec: crate::Config::DEFAULT,
            }),
        }
    }

    /// The same context with the codec settings the server reads and writes with.
    pub(crate) fn with_codec(mut self, codec: crate::Config) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.codec = codec;
        }
        self
    }

    /// The codec settings of the server answering the call ([`Config::DEFAULT`] for a
    /// context made with [`Context::new`]); results are written with them.
    ///
    /// [`Config::DEFAULT`]: crate::Config::DEFAULT
    pub fn codec_config(&self) -> &crate::Config {
        &self.inner.codec
    }

    /// The codec settings of the current call, or the defaults outside a call.
    pub(crate) fn current_codec() -> crate::Config {
        CURRENT
            .try_with(|c| c.inner.codec)
            .unwrap_or(crate::Config::DEFAULT)
    }

    /// The address of the client, when the request came over TCP.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.inner.peer
    }

    /// The request's HTTP headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.inner.headers
    }

    /// The method name of the call being answered.
    pub fn method(&self) -> &str {
        &self.inner.method
    }

    /// The context of the call the current task is answering.
    ///
    /// # Panics
    ///
    /// Outside a call served by [`Server`](crate::server::Server); use
    /// [`Context::try_current`] where that can happen.
    pub fn current() -> Context {
        Context::try_current().expect("Context::current called outside an XML-RPC call")
    }

    /// The context of the call the current task is answering, or `None` outside a call.
    pub fn try_current() -> Option<Context> {
        CURRENT.try_with(Clone::clone).ok()
    }

    /// Runs `fut` with `self` as the current context.
    pub fn scope<F: Future>(self, fut: F) -> impl Future<Output = F::Output> {
        CURRENT.scope(self, fut)
    }

    /// Runs `f` with `self` as the current context, for code on a blocking thread.
    pub fn sync_scope<R>(self, f: impl FnOnce() -> R) -> R {
        CURRENT.sync_scope(self, f)
    }
}
