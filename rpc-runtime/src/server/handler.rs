//! The per-request work: HTTP checks, the body, dispatch and the reply. Shared by the
//! server's own accept loop and by [`RpcService`] mounted in another HTTP stack.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt as _, Full, LengthLimitError, Limited};
use tokio::sync::Semaphore;

use super::auth::Authorize;
use super::dispatch::{CallEnv, DispatchSettings, Registry};
use crate::compress::{Coding, GzipError, accepts_gzip, content_coding, gunzip_bounded, gzip_fast};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The settings and state every request of one server shares.
pub(crate) struct Shared {
    pub(crate) registry: Registry,
    pub(crate) dispatch: DispatchSettings,
    /// Empty: every path is served.
    pub(crate) paths: Vec<String>,
    pub(crate) max_body: usize,
    pub(crate) body_timeout: Duration,
    pub(crate) in_flight: Arc<Semaphore>,
    pub(crate) retry_after: HeaderValue,
    pub(crate) gzip_threshold: Option<usize>,
    pub(crate) auth: Option<Arc<dyn Authorize>>,
    pub(crate) www_authenticate: HeaderValue,
}

static TEXT_XML: HeaderValue = HeaderValue::from_static("text/xml");
static TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");
static GZIP: HeaderValue = HeaderValue::from_static("gzip");
static CLOSE: HeaderValue = HeaderValue::from_static("close");
static POST: HeaderValue = HeaderValue::from_static("POST");

/// A plain-text answer for an HTTP-level refusal.
fn refuse(status: StatusCode, message: &'static str, close: bool) -> Response<Full<Bytes>> {
    let mut res = Response::new(Full::new(Bytes::from_static(message.as_bytes())));
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, TEXT_PLAIN.clone());
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(message.len()));
    if close {
        h.insert(header::CONNECTION, CLOSE.clone());
    }
    res
}

impl Shared {
    fn path_served(&self, path: &str) -> bool {
        self.paths.is_empty() || self.paths.iter().any(|p| p == path)
    }

    /// Answers one HTTP request.
    pub(crate) async fn handle<B>(
        self: Arc<Self>,
        req: Request<B>,
        peer: Option<SocketAddr>,
    ) -> Response<Full<Bytes>>
    where
        B: Body<Data = Bytes> + Send,
        B::Error: Into<BoxError>,
    {
        if !self.path_served(req.uri().path()) {
            tracing::debug!(path = req.uri().path(), ?peer, "404: path not served");
            return refuse(StatusCode::NOT_FOUND, "No such page\n", false);
        }
        if req.method() != Method::POST {
            tracing::debug!(method = %req.method(), ?peer, "405: not a POST");
            let mut res = refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                "XML-RPC answers POST only\n",
                false,
            );
            res.headers_mut().insert(header::ALLOW, POST.clone());
            return res;
        }
        let (parts, body) = req.into_parts();
        if let Some(auth) = &self.auth
            && !auth.authorize(&parts)
        {
            tracing::debug!(?peer, "401: not authorized");
            let mut res = refuse(StatusCode::UNAUTHORIZED, "Unauthorized\n", false);
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, self.www_authenticate.clone());
            return res;
        }
        let coding = content_coding(parts.headers.get(header::CONTENT_ENCODING));
        if coding == Coding::Unsupported {
            tracing::debug!(?peer, "415: unsupported content encoding");
            return refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Content-Encoding must be gzip or identity\n",
                true,
            );
        }
        if body.size_hint().lower() > self.max_body as u64 {
            tracing::debug!(
                length = body.size_hint().lower(),
                ?peer,
                "413: Content-Length over the limit"
            );
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request body too large\n",
                true,
            );
        }
        let Ok(permit) = Arc::clone(&self.in_flight).try_acquire_owned() else {
            tracing::debug!(?peer, "503: too many calls in flight");
            let mut res = refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "Too many calls in flight\n",
                true,
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, self.retry_after.clone());
            return res;
        };

        let body_timeout = self.body_timeout;
        let collected = super::within(Limited::new(body, self.max_body).collect(), || {
            tokio::time::Instant::now() + body_timeout
        })
        .await;
        let raw = match collected {
            Ok(Ok(c)) => c.to_bytes(),
            Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
                tracing::debug!(?peer, "413: body over the limit");
                return refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Request body too large\n",
                    true,
                );
            }
            Ok(Err(e)) => {
                tracing::debug!(error = %e, ?peer, "400: body read failed");
                return refuse(StatusCode::BAD_REQUEST, "Cannot read the body\n", true);
            }
            Err(_) => {
                tracing::debug!(?peer, "408: body not received in time");
                return refuse(
                    StatusCode::REQUEST_TIMEOUT,
                    "Request body not received in time\n",
                    true,
                );
            }
        };
        let body = match coding {
            Coding::Gzip => match gunzip_bounded(&raw, self.max_body) {
                Ok(v) => Bytes::from(v),
                Err(GzipError::TooLarge) => {
                    tracing::debug!(?peer, "413: decompressed body over the limit");
                    return refuse(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "Decompressed request body too large\n",
                        true,
                    );
                }
                Err(GzipError::Invalid(e)) => {
                    tracing::debug!(error = %e, ?peer, "400: bad gzip body");
                    return refuse(
                        StatusCode::BAD_REQUEST,
                        "Error decoding gzip content\n",
                        true,
                    );
                }
            },
            _ => raw,
        };

        let gzip_over = match self.gzip_threshold {
            Some(threshold) if accepts_gzip(&parts.headers) => threshold,
            _ => usize::MAX,
        };
        let env = CallEnv {
            peer,
            headers: parts.headers,
            deadline: None,
        };
        let xml = self.registry.answer(body, &self.dispatch, env).await;
        drop(permit);

        let mut res = Response::new(Full::new(Bytes::new()));
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, TEXT_XML.clone());
        let payload = if xml.len() > gzip_over {
            h.insert(header::CONTENT_ENCODING, GZIP.clone());
            gzip_fast(&xml)
        } else {
            xml
        };
        // hyper writes Content-Length from the body's exact size.
        *res.body_mut() = Full::new(Bytes::from(payload));
        res
    }
}

/// The XML-RPC endpoint as a [`tower::Service`], to mount in another HTTP stack (an axum
/// `Router`, a tower middleware stack, a hyper server of your own).
///
/// It does the per-request work of [`Server`](super::Server): path and method checks, auth,
/// body limits and deadline, gzip, the in-flight limit, dispatch and the reply. Connection
/// concerns (header timeout, connection cap, graceful shutdown) belong to the stack it is
/// mounted in. The client address is read from a [`SocketAddr`] request extension when one
/// is present (insert it in your accept loop for [`Context::peer_addr`](super::Context::peer_addr)).
/// The path check still applies to the request's path: serve the route's path with
/// [`paths`](super::ServerBuilder::paths), or pass an empty list to answer whatever the
/// router sends.
///
/// ```no_run
/// # async fn f(svc: impl rpc_runtime::Service) -> Result<(), Box<dyn std::error::Error>> {
/// use rpc_runtime::server::Server;
/// let rpc = Server::builder().service(svc).paths(["/api/xmlrpc"]).into_service()?;
/// // axum: Router::new().route_service("/api/xmlrpc", rpc)
/// # let _ = rpc; Ok(()) }
/// ```
#[derive(Clone)]
pub struct RpcService {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for RpcService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcService").finish_non_exhaustive()
    }
}

/// The future of [`RpcService`].
pub type RpcFuture =
    Pin<Box<dyn Future<Output = Result<Response<Full<Bytes>>, Infallible>> + Send>>;

impl<B> tower_service::Service<Request<B>> for RpcService
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = RpcFuture;

    fn poll_ready(&mut self, _cx: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> RpcFuture {
        let shared = Arc::clone(&self.shared);
        let peer = req.extensions().get::<SocketAddr>().copied();
        Box::pin(async move { Ok(shared.handle(req, peer).await) })
    }
}

/// The hyper service of one accepted connection.
pub(crate) struct ConnService {
    pub(crate) shared: Arc<Shared>,
    pub(crate) peer: SocketAddr,
}

impl hyper::service::Service<Request<hyper::body::Incoming>> for ConnService {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = RpcFuture;

    fn call(&self, req: Request<hyper::body::Incoming>) -> RpcFuture {
        let shared = Arc::clone(&self.shared);
        let peer = self.peer;
        Box::pin(async move { Ok(shared.handle(req, Some(peer)).await) })
    }
}
