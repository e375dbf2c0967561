//! The request context a handler can read: peer address and HTTP headers.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::ser::SMALL_REPLY;

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
    /// Shared with the server's table of names for a method a service declared, so a
    /// call costs no copy of it.
    method: Arc<str>,
    codec: crate::Config,
    /// The capacity a result's buffer starts with.
    reply_capacity: usize,
}

impl Context {
    /// A context for a request from `peer` with these headers, calling `method`.
    pub fn new(
        peer: Option<SocketAddr>,
        headers: http::HeaderMap,
        method: impl Into<String>,
    ) -> Self {
        let method: String = method.into();
        Context::for_call(peer, headers, method.into(), crate::Config::DEFAULT, 0)
    }

    /// The context the server makes for a call: with the codec settings it reads and writes
    /// with, and a capacity for the result's buffer. For a plain call the server passes the
    /// size of the request plus the response envelope, as a result is usually no larger
    /// than what it answers (an echo is as large), and 0 for each call of a
    /// `system.multicall`: most results are then written without the buffer growing, and a large one
    /// without holding a full buffer and its copy at once while it grows. Capacity never
    /// written stays virtual memory. At least [`SMALL_REPLY`] is used.
    pub(crate) fn for_call(
        peer: Option<SocketAddr>,
        headers: http::HeaderMap,
        method: Arc<str>,
        codec: crate::Config,
        reply_capacity: usize,
    ) -> Self {
        Context {
            inner: Arc::new(Inner {
                peer,
                headers,
                method,
                codec,
                reply_capacity: reply_capacity.max(SMALL_REPLY),
            }),
        }
    }

    /// The codec settings of the server answering the call ([`Config::DEFAULT`] for a
    /// context made with [`Context::new`]); results are written with them.
    ///
    /// [`Config::DEFAULT`]: crate::Config::DEFAULT
    pub fn codec_config(&self) -> &crate::Config {
        &self.inner.codec
    }

    /// The codec settings of the current call and the capacity its result's buffer starts
    /// with; the defaults outside a call.
    pub(crate) fn current_writer() -> (crate::Config, usize) {
        CURRENT
            .try_with(|c| (c.inner.codec, c.inner.reply_capacity))
            .unwrap_or((crate::Config::DEFAULT, SMALL_REPLY))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_start_with_room_for_the_request_size() {
        let call = |capacity| {
            Context::for_call(
                None,
                http::HeaderMap::new(),
                "echo".into(),
                crate::Config::DEFAULT,
                capacity,
            )
        };
        assert_eq!(Context::current_writer().1, SMALL_REPLY);
        assert_eq!(
            call(10_000_000).sync_scope(Context::current_writer).1,
            10_000_000
        );
        assert_eq!(call(3).sync_scope(Context::current_writer).1, SMALL_REPLY);
        let plain = Context::new(None, http::HeaderMap::new(), "echo");
        assert_eq!(plain.sync_scope(Context::current_writer).1, SMALL_REPLY);
    }
}
