//! The HTTP server: XML-RPC over HTTP/1.1 (and 1.0) on hyper, with the limits an endpoint
//! open to untrusted clients needs.
//!
//! ```no_run
//! # async fn f(my_service: impl rpc_runtime::Service) -> Result<(), Box<dyn std::error::Error>> {
//! use rpc_runtime::server::Server;
//!
//! let server = Server::builder()
//!     .service(my_service)
//!     .bind("127.0.0.1:8000")
//!     .await?;
//! println!("listening on http://{}/RPC2", server.local_addr());
//! server.serve_with_shutdown(async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```
//!
//! # What a request goes through
//!
//! 1. The connection: at most [`max_connections`](ServerBuilder::max_connections) at once
//!    (a permit is taken *before* `accept`, so further clients wait in the listen backlog;
//!    none is refused by the server itself); the request head must arrive within
//!    [`header_read_timeout`](ServerBuilder::header_read_timeout), which is also how long an
//!    idle keep-alive connection is kept; heads with more than
//!    [`max_headers`](ServerBuilder::max_headers) headers or more than
//!    [`max_header_size`](ServerBuilder::max_header_size) bytes get `431`.
//! 2. The head: a path not served is `404`; a method other than `POST` is `405` with
//!    `Allow: POST`; a refused [`auth`](ServerBuilder::auth) hook is `401` with
//!    `WWW-Authenticate: Basic realm="…"`; a `Content-Encoding` other than `gzip` or
//!    `identity` is `415`; a `Content-Length` over
//!    [`max_body_size`](ServerBuilder::max_body_size) is `413` before any body byte is read;
//!    more than [`max_in_flight`](ServerBuilder::max_in_flight) calls running is `503` with
//!    `Retry-After`. `Content-Type` is not checked (Python's server does not either).
//! 3. The body: read within [`body_timeout`](ServerBuilder::body_timeout) (else `408`),
//!    at most `max_body_size` bytes on the wire and again after gzip decoding (else `413`;
//!    bad gzip is `400`). Chunked bodies are accepted.
//! 4. The call: everything from here on is answered with HTTP 200, faults included:
//!    unparsable XML -32700, not XML-RPC -32600, unknown method -32601, bad parameters
//!    -32602, a codec limit -32001, a handler past
//!    [`handler_timeout`](ServerBuilder::handler_timeout) -32002 (the handler future is
//!    dropped), a panicking handler -32603 `"internal error"` (the panic is logged, the
//!    server goes on serving; this needs the default `panic = "unwind"`: with
//!    `panic = "abort"` a panicking handler ends the process).
//! 5. The reply: `Content-Type: text/xml`, always a `Content-Length`, gzipped (fast level)
//!    when the client accepts gzip and the reply is longer than
//!    [`gzip_threshold`](ServerBuilder::gzip_threshold) (1400 bytes, as Python's server).
//!
//! Every call runs inside a [`Context`] (peer address, headers, method name), sub-calls
//! of `system.multicall` included, and inside a `tracing` span `xmlrpc.call` with the
//! method name; the outcome and duration are logged at debug level when the call ends.
//! Refused requests are logged at debug level with the reason.
//!
//! # Built-in methods
//!
//! * `system.listMethods()`: every name served, sorted, `system.*` names and aliases
//!   included.
//! * `system.methodHelp(name)`: the method's documentation (`""` when it has none); an
//!   unknown name is fault -32601 (Python answers `""`, xmlrpc-c faults).
//! * `system.methodSignature(name)`: `[[return, param, …]]`, or the string `"undef"` when
//!   the method declares no signature; an unknown name is fault -32601.
//! * `system.getCapabilities()`: `xmlrpc`, `faults_interop`, `system.multicall` and
//!   `introspect`, each `{specUrl, specVersion}`.
//! * `system.multicall(calls)`: one array of `{methodName, params}` structs; each result is
//!   a one-element array holding the value, or a `{faultCode, faultString}` struct; a fault
//!   in one call does not stop the others. More than
//!   [`max_multicall`](ServerBuilder::max_multicall) calls is a fault -32001 for the whole
//!   request; an item that is not such a struct, and a nested `system.multicall`, are
//!   per-item faults -32600. The calls run in order under the deadline of the whole
//!   request, and count as one call for the in-flight limit and the auth hook.
//!
//! Services cannot declare names under `system.`: [`ServerBuilder::bind`] refuses them.
//!
//! # In another HTTP stack
//!
//! [`ServerBuilder::into_service`] (or [`Server::service`]) gives the endpoint as a
//! [`tower::Service`] ([`RpcService`]) that mounts in an axum `Router` or any tower/hyper
//! stack; it does all of the above per request, and leaves connection limits, timeouts and
//! shutdown to that stack.

mod auth;
mod context;
mod dispatch;
mod drain;
mod handler;
mod unwind;

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::task::Poll;
use std::time::Duration;

use http::HeaderValue;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::task::coop::Unconstrained;

pub use auth::{Authorize, BasicAuth, basic_auth, basic_credentials};
pub use context::Context;
pub use handler::{RpcFuture, RpcService};

use crate::config::Config;
use crate::service::Service;
use dispatch::{DispatchSettings, Registry};
use handler::{Shared, conn_service};

/// The longest timeout the builder keeps: a deadline is the current instant plus the
/// timeout, which must not overflow (`Duration::MAX` would).
const LONGEST_WAIT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// Awaits `fut` within a deadline, arming the timer only when `fut` does not finish at its
/// first poll: most request bodies have arrived and most handlers finish at once, and a
/// timer costs an entry in tokio's timer wheel per request. The timer is boxed, so the
/// futures that await this one (and hyper's per-connection slot for the call in flight)
/// do not carry its room when it is not armed.
pub(crate) async fn within<F: Future>(
    fut: F,
    deadline: impl FnOnce() -> tokio::time::Instant,
) -> Result<F::Output, Elapsed> {
    let mut fut = std::pin::pin!(fut);
    let mut deadline = Some(deadline);
    // The timer is polled outside tokio's cooperative budget (as `tokio::time::timeout`
    // does when the inner future spent it): a handler that always has work ready would
    // otherwise spend the budget on every poll and never be cut off.
    let mut timer: Option<Pin<Box<Unconstrained<tokio::time::Sleep>>>> = None;
    std::future::poll_fn(move |cx| {
        if let Poll::Ready(r) = fut.as_mut().poll(cx) {
            return Poll::Ready(Ok(r));
        }
        let timer = timer.get_or_insert_with(|| {
            let at = deadline
                .take()
                .map_or_else(tokio::time::Instant::now, |d| d());
            Box::pin(tokio::task::coop::unconstrained(tokio::time::sleep_until(
                at,
            )))
        });
        timer.as_mut().poll(cx).map(|()| Err(Elapsed))
    })
    .await
}

/// The deadline of [`within`] passed first.
#[derive(Debug)]
pub(crate) struct Elapsed;

/// Why a server could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The address could not be bound.
    Bind(io::Error),
    /// A service declared a name under `system.`, which the server reserves.
    ReservedName(String),
    /// Two services (or one service twice) declared the same wire name.
    DuplicateName(String),
    /// A namespace prefix that is empty.
    InvalidPrefix(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Bind(e) => write!(f, "cannot bind the server's address: {e}"),
            BuildError::ReservedName(n) => {
                write!(
                    f,
                    "method name `{n}` is reserved: `system.*` names are built in"
                )
            }
            BuildError::DuplicateName(n) => write!(f, "method name `{n}` is declared twice"),
            BuildError::InvalidPrefix(p) => write!(f, "invalid namespace prefix `{p}`"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Bind(e) => Some(e),
            _ => None,
        }
    }
}

/// Connection-level settings.
#[derive(Clone, Debug)]
struct ConnSettings {
    header_read_timeout: Option<Duration>,
    max_headers: usize,
    max_header_size: usize,
    keep_alive: bool,
    max_connections: usize,
    shutdown_grace: Duration,
}

/// Settings for a [`Server`]; made by [`Server::builder`].
///
/// | setting | default |
/// |---|---|
/// | [`paths`](Self::paths) | `/` and `/RPC2` |
/// | [`max_body_size`](Self::max_body_size) | 8 MiB, on the wire and after gzip decoding |
/// | [`body_timeout`](Self::body_timeout) | 30 s for the whole body (`408`) |
/// | [`handler_timeout`](Self::handler_timeout) | 60 s (fault -32002) |
/// | [`header_read_timeout`](Self::header_read_timeout) | 30 s, also the keep-alive idle time |
/// | [`max_headers`](Self::max_headers) | 100 (`431`) |
/// | [`max_header_size`](Self::max_header_size) | 16 KiB, request line included (`431`) |
/// | [`max_connections`](Self::max_connections) | 1024; more wait in the listen backlog |
/// | [`max_in_flight`](Self::max_in_flight) | 256 calls; more get `503` + `Retry-After: 1` |
/// | [`max_multicall`](Self::max_multicall) | 64 calls per `system.multicall` |
/// | [`gzip_threshold`](Self::gzip_threshold) | 1400 bytes |
/// | [`shutdown_grace`](Self::shutdown_grace) | 10 s |
/// | [`codec_config`](Self::codec_config) | [`Config::DEFAULT`] (its `max_size` is 8 MiB too) |
/// | [`introspection`](Self::introspection), [`multicall`](Self::multicall) | on |
pub struct ServerBuilder {
    paths: Option<Vec<String>>,
    services: Vec<(Option<String>, Arc<dyn Service>)>,
    codec: Config,
    max_body: usize,
    body_timeout: Duration,
    handler_timeout: Duration,
    max_in_flight: usize,
    retry_after: u32,
    max_multicall: usize,
    gzip_threshold: Option<usize>,
    auth: Option<Arc<dyn Authorize>>,
    realm: String,
    introspection: bool,
    multicall: bool,
    conn: ConnSettings,
}

impl fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("paths", &self.paths)
            .field("services", &self.services.len())
            .field("codec", &self.codec)
            .field("max_body", &self.max_body)
            .field("body_timeout", &self.body_timeout)
            .field("handler_timeout", &self.handler_timeout)
            .field("max_in_flight", &self.max_in_flight)
            .field("max_multicall", &self.max_multicall)
            .field("gzip_threshold", &self.gzip_threshold)
            .field("auth", &self.auth.is_some())
            .field("conn", &self.conn)
            .finish_non_exhaustive()
    }
}

impl Default for ServerBuilder {
    fn default() -> Self {
        ServerBuilder {
            paths: None,
            services: Vec::new(),
            codec: Config::DEFAULT,
            max_body: 8 * 1024 * 1024,
            body_timeout: Duration::from_secs(30),
            handler_timeout: Duration::from_secs(60),
            max_in_flight: 256,
            retry_after: 1,
            max_multicall: 64,
            gzip_threshold: Some(1400),
            auth: None,
            realm: "xmlrpc".to_owned(),
            introspection: true,
            multicall: true,
            conn: ConnSettings {
                header_read_timeout: Some(Duration::from_secs(30)),
                max_headers: 100,
                max_header_size: 16 * 1024,
                keep_alive: true,
                max_connections: 1024,
                shutdown_grace: Duration::from_secs(10),
            },
        }
    }
}

impl ServerBuilder {
    /// Serves this path too. The first call replaces the default paths (`/` and `/RPC2`).
    /// Paths match the request's path exactly (a missing leading `/` is added); a query
    /// string is ignored.
    #[must_use]
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.paths.get_or_insert_with(Vec::new).push(path.into());
        self
    }

    /// Serves exactly these paths; an empty list serves every path.
    #[must_use]
    pub fn paths<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.paths = Some(paths.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a service. Services are asked in the order they were added.
    #[must_use]
    pub fn service<S: Service>(mut self, service: S) -> Self {
        self.services.push((None, Arc::new(service)));
        self
    }

    /// Adds a service whose names are served under `prefix.` (`math` serves `add` as
    /// `math.add`).
    #[must_use]
    pub fn service_with_prefix<S: Service>(
        mut self,
        prefix: impl Into<String>,
        service: S,
    ) -> Self {
        self.services.push((Some(prefix.into()), Arc::new(service)));
        self
    }

    /// Adds a service already in an `Arc`, shared with other code.
    #[must_use]
    pub fn shared_service(mut self, service: Arc<dyn Service>) -> Self {
        self.services.push((None, service));
        self
    }

    /// The codec limits used to read calls and write replies.
    #[must_use]
    pub fn codec_config(mut self, config: Config) -> Self {
        self.codec = config;
        self
    }

    /// The largest request body, in bytes, both as sent and after gzip decoding.
    #[must_use]
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// How long the whole request body may take to arrive once the head is read. Longer
    /// than a year counts as a year.
    #[must_use]
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout.min(LONGEST_WAIT);
        self
    }

    /// How long a call (or all calls of one `system.multicall`) may run. Longer than a
    /// year counts as a year.
    #[must_use]
    pub fn handler_timeout(mut self, timeout: Duration) -> Self {
        self.handler_timeout = timeout.min(LONGEST_WAIT);
        self
    }

    /// How many calls may run at once over all connections (at least 1); more get `503`.
    #[must_use]
    pub fn max_in_flight(mut self, calls: usize) -> Self {
        self.max_in_flight = calls.max(1);
        self
    }

    /// The `Retry-After` seconds of a `503`.
    #[must_use]
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = seconds;
        self
    }

    /// How many calls one `system.multicall` may hold.
    #[must_use]
    pub fn max_multicall(mut self, calls: usize) -> Self {
        self.max_multicall = calls;
        self
    }

    /// Replies longer than this many bytes are gzipped for clients that accept gzip;
    /// `None` never compresses.
    #[must_use]
    pub fn gzip_threshold(mut self, bytes: Option<usize>) -> Self {
        self.gzip_threshold = bytes;
        self
    }

    /// Decides from the request head whether a request is served; refused ones get `401`.
    #[must_use]
    pub fn auth(mut self, hook: impl Authorize) -> Self {
        self.auth = Some(Arc::new(hook));
        self
    }

    /// The realm named in `WWW-Authenticate` when [`auth`](Self::auth) refuses
    /// (default `xmlrpc`).
    #[must_use]
    pub fn auth_realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = realm.into();
        self
    }

    /// Serves `system.listMethods`, `system.methodHelp`, `system.methodSignature` and
    /// `system.getCapabilities` (default on).
    #[must_use]
    pub fn introspection(mut self, on: bool) -> Self {
        self.introspection = on;
        self
    }

    /// Serves `system.multicall` (default on).
    #[must_use]
    pub fn multicall(mut self, on: bool) -> Self {
        self.multicall = on;
        self
    }

    /// How long a client may take to send a request head; also how long an idle
    /// keep-alive connection stays open. `None` disables it (not advised). Longer than a
    /// year counts as a year.
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.conn.header_read_timeout = timeout.map(|t| t.min(LONGEST_WAIT));
        self
    }

    /// The most headers a request may have.
    #[must_use]
    pub fn max_headers(mut self, n: usize) -> Self {
        self.conn.max_headers = n;
        self
    }

    /// The largest request head in bytes, request line included.
    #[must_use]
    pub fn max_header_size(mut self, bytes: usize) -> Self {
        self.conn.max_header_size = bytes;
        self
    }

    /// Whether connections are kept open between requests (default on).
    #[must_use]
    pub fn keep_alive(mut self, on: bool) -> Self {
        self.conn.keep_alive = on;
        self
    }

    /// The most connections served at once; further clients wait in the listen backlog
    /// until one closes.
    #[must_use]
    pub fn max_connections(mut self, n: usize) -> Self {
        self.conn.max_connections = n.max(1);
        self
    }

    /// How long a graceful shutdown waits for calls in flight before closing their
    /// connections.
    #[must_use]
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.conn.shutdown_grace = grace;
        self
    }

    fn shared(self) -> Result<(Arc<Shared>, ConnSettings), BuildError> {
        let registry = Registry::new(self.services, self.introspection, self.multicall)?;
        let realm = self.realm.replace(['"', '\\'], "");
        let www_authenticate = HeaderValue::from_str(&format!("Basic realm=\"{realm}\""))
            .unwrap_or_else(|_| HeaderValue::from_static("Basic realm=\"xmlrpc\""));
        let shared = Shared {
            registry,
            dispatch: DispatchSettings {
                codec: self.codec,
                handler_timeout: self.handler_timeout,
                max_multicall: self.max_multicall,
            },
            paths: match self.paths {
                None => vec!["/".to_owned(), "/RPC2".to_owned()],
                Some(paths) => paths
                    .into_iter()
                    .map(|p| {
                        if p.starts_with('/') {
                            p
                        } else {
                            format!("/{p}")
                        }
                    })
                    .collect(),
            },
            max_body: self.max_body,
            body_timeout: self.body_timeout,
            in_flight: AtomicUsize::new(0),
            max_in_flight: self.max_in_flight,
            retry_after: HeaderValue::from(self.retry_after),
            gzip_threshold: self.gzip_threshold,
            auth: self.auth,
            www_authenticate,
        };
        Ok((Arc::new(shared), self.conn))
    }

    /// The endpoint as a [`tower::Service`] without a listener, to mount in another HTTP
    /// stack; connection settings do not apply.
    pub fn into_service(self) -> Result<RpcService, BuildError> {
        let (shared, _) = self.shared()?;
        Ok(RpcService { shared })
    }

    /// Checks the services and binds `addr` (port 0 picks a free port).
    pub async fn bind(self, addr: impl ToSocketAddrs) -> Result<Server, BuildError> {
        let (shared, conn) = self.shared()?;
        let listener = TcpListener::bind(addr).await.map_err(BuildError::Bind)?;
        let local_addr = listener.local_addr().map_err(BuildError::Bind)?;
        Ok(Server {
            listener,
            local_addr,
            shared,
            conn,
        })
    }
}

/// An XML-RPC server bound to an address; [`serve`](Self::serve) runs it.
pub struct Server {
    listener: TcpListener,
    local_addr: SocketAddr,
    shared: Arc<Shared>,
    conn: ConnSettings,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .field("conn", &self.conn)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A builder with the defaults listed on [`ServerBuilder`].
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// The address the server listens on (with the actual port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The same endpoint as a [`tower::Service`], sharing this server's services and
    /// in-flight limit.
    pub fn service(&self) -> RpcService {
        RpcService {
            shared: Arc::clone(&self.shared),
        }
    }

    /// Serves until the process ends.
    pub async fn serve(self) -> io::Result<()> {
        self.serve_with_shutdown(std::future::pending()).await
    }

    /// Serves until `signal` completes, then shuts down gracefully: stops accepting, closes
    /// idle connections at once, lets calls in flight finish and closes their connections
    /// after the reply, and after [`shutdown_grace`](ServerBuilder::shutdown_grace) closes
    /// whatever is left. Returns when every connection is closed. Dropping the returned
    /// future instead closes every connection at once.
    pub async fn serve_with_shutdown<F>(self, signal: F) -> io::Result<()>
    where
        F: Future<Output = ()> + Send,
    {
        let Server {
            listener,
            local_addr,
            shared,
            conn,
        } = self;
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(conn.header_read_timeout)
            .max_header_size(conn.max_header_size)
            .keep_alive(conn.keep_alive);
        if conn.max_headers != 100 {
            // hyper's default is 100 on the stack; setting it moves headers to the heap.
            http.max_headers(conn.max_headers);
        }
        let permits = Arc::new(Semaphore::new(
            conn.max_connections.min(Semaphore::MAX_PERMITS),
        ));
        let drain = drain::Drain::default();
        let mut tasks = JoinSet::new();
        tokio::pin!(signal);
        tracing::info!(%local_addr, "XML-RPC server listening");

        'accept: loop {
            let permit = tokio::select! {
                biased;
                () = &mut signal => break 'accept,
                Some(_) = tasks.join_next(), if !tasks.is_empty() => continue 'accept,
                p = Arc::clone(&permits).acquire_owned() => match p {
                    Ok(p) => p,
                    Err(_) => break 'accept,
                },
            };
            let (stream, peer) = loop {
                tokio::select! {
                    biased;
                    () = &mut signal => break 'accept,
                    Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
                    accepted = listener.accept() => match accepted {
                        Ok(a) => break a,
                        Err(e) => {
                            // EMFILE and friends: back off instead of spinning.
                            tracing::warn!(error = %e, "accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    },
                }
            };
            let _ = stream.set_nodelay(true);
            let service = conn_service(Arc::clone(&shared), peer);
            let connection = http.serve_connection(TokioIo::new(stream), service);
            let watched = drain.watch(connection);
            tasks.spawn(async move {
                if let Err(e) = watched.await {
                    tracing::debug!(error = %e, %peer, "connection ended with an error");
                }
                drop(permit);
            });
        }

        drop(listener);
        // Connections that have ended are not counted.
        while tasks.try_join_next().is_some() {}
        tracing::info!(%local_addr, connections = tasks.len(), "shutting down");
        drain.start();
        let grace = tokio::time::sleep(conn.shutdown_grace);
        tokio::pin!(grace);
        // Each connection's task ends once it has closed.
        loop {
            tokio::select! {
                biased;
                done = tasks.join_next() => if done.is_none() {
                    break;
                },
                () = &mut grace => {
                    tracing::warn!("grace period over; closing the remaining connections");
                    break;
                }
            }
        }
        tasks.shutdown().await;
        Ok(())
    }
}
