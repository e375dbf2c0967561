//! The HTTP client: async [`Client`] and [`BlockingClient`].
//!
//! ```no_run
//! # async fn f() -> rpc_runtime::Result<()> {
//! use rpc_runtime::Client;
//!
//! let client = Client::new("http://127.0.0.1:8000/RPC2")?;
//! let sum: i32 = client.call("add", (5, 10)).await?;
//! # Ok(()) }
//! ```
//!
//! # On the wire
//!
//! Every call is one `POST` with `Content-Type: text/xml`, a `Content-Length` (never a
//! chunked body: Python's server refuses those), `User-Agent`, and `Accept-Encoding: gzip`
//! unless [`accept_gzip`](ClientBuilder::accept_gzip) is off. Credentials in the URL
//! (`http://user:pass@host/`) are percent-decoded as Python does and sent as HTTP Basic.
//! A URL without a path calls `/RPC2`.
//!
//! Connections are kept alive and pooled (HTTP/1.1); a server that answers HTTP/1.0 or
//! `Connection: close` gets a new connection per call. A request is sent again only when a
//! pooled connection turns out to be closed *before* any byte of the request was written
//! (hyper-util's `retry_canceled_requests`); once bytes are sent a failure is an error,
//! never a second POST, since calls are not known to be idempotent.
//!
//! # The reply
//!
//! A status other than 200 is an [`ErrorKind::Http`] error with
//! the status (the body is not read as XML); so is a `Content-Type` other than `text/xml`,
//! `application/xml` or `…+xml` (an HTML error page), and a `Content-Encoding` other than
//! gzip or identity. The reply is at most [`max_reply_size`](ClientBuilder::max_reply_size)
//! bytes, on the wire and after gzip decoding ([`ErrorKind::Limit`]).
//! A fault is an [`ErrorKind::Fault`] error holding it. Connect
//! and request deadlines give [`ErrorKind::Timeout`]; a refused,
//! reset or closed connection gives [`ErrorKind::Transport`].

mod blocking;
mod multicall;
mod params;
mod url;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, StatusCode, Uri};
use http_body::Body as _;
use http_body_util::{BodyExt as _, Full, LengthLimitError, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use serde::de::DeserializeOwned;

pub use blocking::{BlockingClient, BlockingMulticall};
pub use multicall::Multicall;
pub use params::ToParams;

use crate::compress::{Coding, GzipError, content_coding, gunzip_bounded};
use crate::config::Config;
use crate::de::parse_response;
use crate::error::{Error, ErrorKind, Result};
use crate::ser::CallWriter;

#[cfg(not(feature = "rustls"))]
type Connector = HttpConnector;
#[cfg(feature = "rustls")]
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

type HyperClient = hyper_util::client::legacy::Client<Connector, Full<Bytes>>;

/// Settings for a [`Client`]; made by [`Client::builder`].
///
/// | setting | default |
/// |---|---|
/// | [`connect_timeout`](Self::connect_timeout) | 10 s |
/// | [`request_timeout`](Self::request_timeout) | 60 s, from sending to the end of the reply |
/// | [`max_reply_size`](Self::max_reply_size) | 16 MiB, on the wire and after gzip decoding |
/// | [`accept_gzip`](Self::accept_gzip) | on |
/// | [`user_agent`](Self::user_agent) | `rpc-runtime/<version>` |
/// | [`pool_idle_timeout`](Self::pool_idle_timeout) | 20 s (below the 30 s servers commonly keep idle connections) |
/// | [`pool_max_idle_per_host`](Self::pool_max_idle_per_host) | 16 |
/// | [`codec_config`](Self::codec_config) | [`Config::DEFAULT`] |
pub struct ClientBuilder {
    url: String,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    max_reply: usize,
    headers: HeaderMap,
    user_agent: HeaderValue,
    accept_gzip: bool,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    config: Config,
    #[cfg(feature = "rustls")]
    tls: Option<rustls::ClientConfig>,
    error: Option<Error>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_reply", &self.max_reply)
            .field("accept_gzip", &self.accept_gzip)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    fn new(url: &str) -> Self {
        ClientBuilder {
            url: url.to_owned(),
            connect_timeout: Some(Duration::from_secs(10)),
            request_timeout: Some(Duration::from_secs(60)),
            max_reply: 16 * 1024 * 1024,
            headers: HeaderMap::new(),
            user_agent: HeaderValue::from_static(concat!(
                "rpc-runtime/",
                env!("CARGO_PKG_VERSION")
            )),
            accept_gzip: true,
            pool_idle_timeout: Some(Duration::from_secs(20)),
            pool_max_idle_per_host: 16,
            config: Config::DEFAULT,
            #[cfg(feature = "rustls")]
            tls: None,
            error: None,
        }
    }

    /// How long connecting may take; `None` waits as long as the system does.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a call may take from sending the request to the end of the reply
    /// (connecting included); `None` waits forever.
    #[must_use]
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The largest reply, in bytes, both as received and after gzip decoding.
    #[must_use]
    pub fn max_reply_size(mut self, bytes: usize) -> Self {
        self.max_reply = bytes;
        self
    }

    /// A header sent with every call (replacing one of the same name set before).
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(n), Ok(v)) => {
                self.headers.insert(n, v);
            }
            _ => {
                self.error.get_or_insert_with(|| {
                    Error::new(
                        ErrorKind::Custom,
                        format!("invalid HTTP header `{name}: {value}`"),
                    )
                });
            }
        }
        self
    }

    /// Headers sent with every call.
    #[must_use]
    pub fn headers(mut self, headers: HeaderMap) -> Self {
        self.headers.extend(headers);
        self
    }

    /// The `User-Agent` header.
    #[must_use]
    pub fn user_agent(mut self, agent: &str) -> Self {
        match HeaderValue::from_str(agent) {
            Ok(v) => self.user_agent = v,
            Err(_) => {
                self.error.get_or_insert_with(|| {
                    Error::new(ErrorKind::Custom, format!("invalid User-Agent `{agent}`"))
                });
            }
        }
        self
    }

    /// Whether to send `Accept-Encoding: gzip`. gzip replies are decoded either way.
    #[must_use]
    pub fn accept_gzip(mut self, on: bool) -> Self {
        self.accept_gzip = on;
        self
    }

    /// How long an idle pooled connection is kept; `None` keeps it until the server
    /// closes it.
    #[must_use]
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// How many idle connections to keep per host (0 closes each after its call).
    #[must_use]
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.pool_max_idle_per_host = n;
        self
    }

    /// The codec limits used to write calls and read replies.
    #[must_use]
    pub fn codec_config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// The TLS settings for `https` URLs (default: the webpki root certificates).
    #[cfg(feature = "rustls")]
    #[must_use]
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls = Some(config);
        self
    }

    /// Builds the client. It needs no runtime to be built, but its calls must run on a
    /// tokio runtime (with the time driver enabled).
    pub fn build(self) -> Result<Client> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let target = url::parse(&self.url)?;
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        http.set_connect_timeout(self.connect_timeout);
        http.enforce_http(false);
        #[cfg(feature = "rustls")]
        let connector = {
            let builder = hyper_rustls::HttpsConnectorBuilder::new();
            let builder = match self.tls {
                Some(tls) => builder.with_tls_config(tls),
                None => builder
                    .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
                    .map_err(|e| {
                        Error::new(ErrorKind::Transport, "cannot set up TLS").with_source(e)
                    })?,
            };
            builder.https_or_http().enable_http1().wrap_connector(http)
        };
        #[cfg(not(feature = "rustls"))]
        let connector = http;

        let mut builder = hyper_util::client::legacy::Client::builder(TokioExecutor::new());
        builder
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .retry_canceled_requests(true);
        let http_client: HyperClient = builder.build(connector);

        let mut headers = self.headers;
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
        headers.insert(header::USER_AGENT, self.user_agent);
        if self.accept_gzip {
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        }
        if let Some(auth) = target.authorization {
            headers.insert(header::AUTHORIZATION, auth);
        }
        Ok(Client {
            inner: Arc::new(Inner {
                http: http_client,
                uri: target.uri,
                headers,
                request_timeout: self.request_timeout,
                max_reply: self.max_reply,
            }),
            config: self.config,
        })
    }

    /// Builds a [`BlockingClient`] with these settings.
    pub fn build_blocking(self) -> Result<BlockingClient> {
        BlockingClient::from_client(self.build()?)
    }
}

struct Inner {
    http: HyperClient,
    uri: Uri,
    headers: HeaderMap,
    request_timeout: Option<Duration>,
    max_reply: usize,
}

/// An async XML-RPC client: cloneable, shared by many tasks, pooling keep-alive connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    config: Config,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("uri", &self.inner.uri)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `url` (`http://[user:pass@]host[:port][/path]`) with default settings.
    pub fn new(url: &str) -> Result<Client> {
        ClientBuilder::new(url).build()
    }

    /// A builder for a client of `url`, with the defaults listed on [`ClientBuilder`].
    pub fn builder(url: &str) -> ClientBuilder {
        ClientBuilder::new(url)
    }

    /// The codec settings used to write parameters and read replies.
    pub fn codec_config(&self) -> &Config {
        &self.config
    }

    /// The URL calls go to (credentials removed).
    pub fn uri(&self) -> &Uri {
        &self.inner.uri
    }

    /// Calls `method` with `params` (a tuple, each element one parameter) and decodes the
    /// result as `R`.
    ///
    /// ```no_run
    /// # async fn f(client: rpc_runtime::Client) -> rpc_runtime::Result<()> {
    /// let sum = client.call::<i32>("add", (5, 10)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl ToParams,
    ) -> Result<R> {
        let body = self.encode_call(method, &params)?;
        self.call_xml(body).await
    }

    /// A batch of calls sent as one `system.multicall`.
    pub fn multicall(&self) -> Multicall<'_> {
        Multicall::new(self)
    }

    pub(crate) fn encode_call(&self, method: &str, params: &impl ToParams) -> Result<Vec<u8>> {
        let mut call = CallWriter::new(method)?;
        params.write_params(&mut call, &self.config)?;
        Ok(call.finish())
    }

    /// Sends a `<methodCall>` document (as built by [`CallWriter`]) and
    /// decodes the reply's value as `T`; a fault answer is an error of kind
    /// [`ErrorKind::Fault`].
    pub async fn call_xml<T: DeserializeOwned>(&self, body: Vec<u8>) -> Result<T> {
        let reply = self.send(body).await?;
        // A server may answer in ISO-8859-1 (Python's with `encoding='iso-8859-1'`).
        let reply = crate::de::latin1_to_utf8(&reply)?;
        match parse_response::<T>(&reply, &self.config)? {
            Ok(value) => Ok(value),
            Err(fault) => Err(Error::from_fault(fault)),
        }
    }

    /// Sends a request body and returns the reply body, checked and decoded.
    async fn send(&self, body: Vec<u8>) -> Result<Bytes> {
        let inner = &*self.inner;
        let mut req = Request::new(Full::new(Bytes::from(body)));
        *req.method_mut() = Method::POST;
        *req.uri_mut() = inner.uri.clone();
        let headers = req.headers_mut();
        headers.clone_from(&inner.headers);
        let len = req.body().size_hint().exact().unwrap_or(0);
        req.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(len));

        let exchange = async {
            let res = inner.http.request(req).await.map_err(request_error)?;
            let status = res.status();
            if status != StatusCode::OK {
                return Err(Error::http(
                    status.as_u16(),
                    format!("the server answered HTTP {status}"),
                ));
            }
            if let Some(ct) = res.headers().get(header::CONTENT_TYPE)
                && !is_xml_content_type(ct)
            {
                return Err(Error::http(
                    status.as_u16(),
                    format!(
                        "the server answered with Content-Type `{}`, not XML",
                        String::from_utf8_lossy(ct.as_bytes())
                    ),
                ));
            }
            let coding = content_coding(res.headers().get(header::CONTENT_ENCODING));
            if coding == Coding::Unsupported {
                return Err(Error::http(
                    status.as_u16(),
                    "the reply has a Content-Encoding other than gzip or identity",
                ));
            }
            let body = res.into_body();
            if body.size_hint().lower() > inner.max_reply as u64 {
                return Err(too_large(inner.max_reply));
            }
            let raw = match Limited::new(body, inner.max_reply).collect().await {
                Ok(c) => c.to_bytes(),
                Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
                    return Err(too_large(inner.max_reply));
                }
                Err(e) => return Err(body_error(e)),
            };
            match coding {
                Coding::Gzip => match gunzip_bounded(&raw, inner.max_reply) {
                    Ok(v) => Ok(Bytes::from(v)),
                    Err(GzipError::TooLarge) => Err(too_large(inner.max_reply)),
                    Err(GzipError::Invalid(e)) => Err(Error::new(
                        ErrorKind::Http,
                        "the gzip reply cannot be decoded",
                    )
                    .with_source(e)),
                },
                _ => Ok(raw),
            }
        };
        match inner.request_timeout {
            None => exchange.await,
            Some(limit) => match tokio::time::timeout(limit, exchange).await {
                Ok(r) => r,
                Err(_) => Err(Error::new(
                    ErrorKind::Timeout,
                    format!("no complete reply within {} ms", limit.as_millis()),
                )),
            },
        }
    }
}

fn is_xml_content_type(value: &HeaderValue) -> bool {
    let Ok(text) = value.to_str() else {
        return false;
    };
    let mime = text
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "text/xml" || mime == "application/xml" || mime.ends_with("+xml")
}

fn too_large(limit: usize) -> Error {
    Error::new(
        ErrorKind::Limit,
        format!("the reply is larger than {limit} bytes"),
    )
}

/// Whether an error chain holds an I/O timeout.
fn is_timeout(mut e: &(dyn std::error::Error + 'static)) -> bool {
    loop {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::TimedOut
        {
            return true;
        }
        match e.source() {
            Some(next) => e = next,
            None => return false,
        }
    }
}

fn request_error(e: hyper_util::client::legacy::Error) -> Error {
    if is_timeout(&e) {
        Error::new(ErrorKind::Timeout, "connecting timed out").with_source(e)
    } else if e.is_connect() {
        Error::new(ErrorKind::Transport, "cannot connect to the server").with_source(e)
    } else {
        Error::new(ErrorKind::Transport, "the request failed").with_source(e)
    }
}

fn body_error(e: Box<dyn std::error::Error + Send + Sync>) -> Error {
    Error::new(
        ErrorKind::Transport,
        format!("reading the reply failed: {e}"),
    )
}
