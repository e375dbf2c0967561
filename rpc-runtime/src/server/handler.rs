//! The per-request work: HTTP checks, the body, dispatch and the reply. Shared by the
//! server's own accept loop and by [`RpcService`] mounted in another HTTP stack.

use std::borrow::Cow;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes};
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt as _, Full};

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
    /// Calls between admission and reply; refused with 503 at `max_in_flight`. A counter,
    /// not a semaphore: nothing waits for a slot, and a semaphore's release takes a lock.
    pub(crate) in_flight: AtomicUsize,
    pub(crate) max_in_flight: usize,
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

/// The bytes of a reply body: a static message or the document written for the call,
/// handed to hyper as they are (`bytes` reads a `Cursor` as a `Buf`). (`Bytes::from` a
/// `Vec` with spare capacity, as the reply buffer has, would cost an allocation per reply.)
pub(crate) type Reply = std::io::Cursor<Cow<'static, [u8]>>;

fn reply(bytes: impl Into<Cow<'static, [u8]>>) -> Reply {
    std::io::Cursor::new(bytes.into())
}

/// A reply's bytes not read yet, for a body type that wants [`Bytes`].
fn reply_bytes(reply: Reply) -> Bytes {
    let read = usize::try_from(reply.position()).unwrap_or(usize::MAX);
    let mut bytes = match reply.into_inner() {
        Cow::Borrowed(b) => Bytes::from_static(b),
        Cow::Owned(v) => Bytes::from(v),
    };
    // Moves the start only: no allocation, unlike `slice`.
    bytes.advance(read.min(bytes.len()));
    bytes
}

/// A plain-text answer for an HTTP-level refusal.
fn refuse(status: StatusCode, message: &'static str, close: bool) -> Response<Reply> {
    let mut res = Response::new(reply(message.as_bytes()));
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
    ) -> Response<Reply>
    where
        B: Body<Data = Bytes> + Send,
        B::Error: Into<BoxError>,
    {
        match self.admit(req, peer) {
            Ok(admitted) => admitted.answer().await,
            Err(refused) => refused,
        }
    }

    /// The checks made before the body is read: path, method, authorization, content
    /// coding, declared length and the in-flight limit. Synchronous, so that the future
    /// that reads and answers the call holds only what those steps need.
    #[expect(
        clippy::result_large_err,
        reason = "the refusal is smaller than the admitted request; boxing it gains nothing"
    )]
    fn admit<B>(
        self: Arc<Self>,
        req: Request<B>,
        peer: Option<SocketAddr>,
    ) -> Result<Admitted<B>, Response<Reply>>
    where
        B: Body<Data = Bytes>,
    {
        if !self.path_served(req.uri().path()) {
            tracing::debug!(path = req.uri().path(), ?peer, "404: path not served");
            return Err(refuse(StatusCode::NOT_FOUND, "No such page\n", false));
        }
        if req.method() != Method::POST {
            tracing::debug!(method = %req.method(), ?peer, "405: not a POST");
            let mut res = refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                "XML-RPC answers POST only\n",
                false,
            );
            res.headers_mut().insert(header::ALLOW, POST.clone());
            return Err(res);
        }
        let (parts, body) = req.into_parts();
        if let Some(auth) = &self.auth
            && !auth.authorize(&parts)
        {
            tracing::debug!(?peer, "401: not authorized");
            let mut res = refuse(StatusCode::UNAUTHORIZED, "Unauthorized\n", false);
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, self.www_authenticate.clone());
            return Err(res);
        }
        let coding = content_coding(parts.headers.get(header::CONTENT_ENCODING));
        if coding == Coding::Unsupported {
            tracing::debug!(?peer, "415: unsupported content encoding");
            return Err(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Content-Encoding must be gzip or identity\n",
                true,
            ));
        }
        if body.size_hint().lower() > self.max_body as u64 {
            tracing::debug!(
                length = body.size_hint().lower(),
                ?peer,
                "413: Content-Length over the limit"
            );
            return Err(refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request body too large\n",
                true,
            ));
        }
        let permit = match CallSlot::take(self) {
            Ok(permit) => permit,
            Err(shared) => {
                tracing::debug!(?peer, "503: too many calls in flight");
                let mut res = refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Too many calls in flight\n",
                    true,
                );
                res.headers_mut()
                    .insert(header::RETRY_AFTER, shared.retry_after.clone());
                return Err(res);
            }
        };
        Ok(Admitted {
            headers: parts.headers,
            body,
            peer,
            coding,
            permit,
        })
    }
}

/// Why a request body could not be read.
enum BodyError {
    /// Over the body limit.
    TooLarge,
    /// The connection failed or the body was malformed (for instance bad chunking).
    Failed(BoxError),
}

/// Reads a whole request body of at most `max` bytes.
///
/// What `Limited::new(body, max)` and `collect().to_bytes()` would give, without their list
/// of chunks (an allocation per call) and with the gathering buffer sized once: a body
/// that arrives as one chunk (the usual case: a `Content-Length` body already buffered by
/// hyper) is returned as that chunk; a body in several chunks is gathered into one buffer
/// sized from the declared length (capped at `max`), its length checked before each chunk
/// is added. Trailers are ignored.
async fn read_body<B>(body: B, max: usize) -> Result<Bytes, BodyError>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut gathered: Vec<u8> = Vec::new();
    let mut len = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            let e: BoxError = e.into();
            // A body limited by a layer in front of this service (`Limited`) is over a limit.
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                BodyError::TooLarge
            } else {
                BodyError::Failed(e)
            }
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        len = len.saturating_add(data.len());
        if len > max {
            return Err(BodyError::TooLarge);
        }
        if first.is_none() && gathered.is_empty() {
            first = Some(data);
        } else {
            if let Some(head) = first.take() {
                // One allocation for the whole body when its length is declared.
                let rest = usize::try_from(body.size_hint().lower()).unwrap_or(usize::MAX);
                gathered.reserve(len.saturating_add(rest).min(max));
                gathered.extend_from_slice(&head);
            }
            gathered.extend_from_slice(&data);
        }
        if body.is_end_stream() {
            break;
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(gathered)))
}

/// A request past [`Shared::admit`]: what reading its body and answering it need.
struct Admitted<B> {
    headers: http::HeaderMap,
    body: B,
    peer: Option<SocketAddr>,
    coding: Coding,
    /// Held until the call is answered; the server's state, through it.
    permit: CallSlot,
}

/// One of the server's slots for calls in flight, given back when dropped.
struct CallSlot(Arc<Shared>);

impl CallSlot {
    /// A slot, or the server back if all are taken.
    fn take(shared: Arc<Shared>) -> Result<CallSlot, Arc<Shared>> {
        match shared
            .in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < shared.max_in_flight).then_some(n + 1)
            }) {
            Ok(_) => Ok(CallSlot(shared)),
            Err(_) => Err(shared),
        }
    }
}

impl Drop for CallSlot {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

impl<B> Admitted<B>
where
    B: Body<Data = Bytes> + Send,
    B::Error: Into<BoxError>,
{
    /// Reads the body (within the body deadline), decodes it and answers the call.
    async fn answer(self) -> Response<Reply> {
        let Admitted {
            headers,
            body,
            peer,
            coding,
            permit,
        } = self;
        let shared: &Shared = &permit.0;
        let body_timeout = shared.body_timeout;
        let collected = super::within(read_body(body, shared.max_body), || {
            tokio::time::Instant::now() + body_timeout
        })
        .await;
        let raw = match collected {
            Ok(Ok(raw)) => raw,
            Ok(Err(BodyError::TooLarge)) => {
                tracing::debug!(?peer, "413: body over the limit");
                return refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Request body too large\n",
                    true,
                );
            }
            Ok(Err(BodyError::Failed(e))) => {
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
            Coding::Gzip => match gunzip_bounded(&raw, shared.max_body) {
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

        let gzip_over = match shared.gzip_threshold {
            Some(threshold) if accepts_gzip(&headers) => threshold,
            _ => usize::MAX,
        };
        let env = CallEnv {
            peer,
            headers,
            deadline: None,
        };
        let xml = shared.registry.answer(body, &shared.dispatch, env).await;
        drop(permit);

        let gzipped = xml.len() > gzip_over;
        let payload = if gzipped { gzip_fast(&xml) } else { xml };
        // hyper writes Content-Length from the body's exact size.
        let mut res = Response::new(reply(payload));
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, TEXT_XML.clone());
        if gzipped {
            h.insert(header::CONTENT_ENCODING, GZIP.clone());
        }
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
        Box::pin(async move {
            Ok(shared
                .handle(req, peer)
                .await
                .map(|r| Full::new(reply_bytes(r))))
        })
    }
}

/// The hyper service of one accepted connection.
///
/// Its future is a concrete type: hyper keeps the call in flight in one slot per
/// connection, so a call costs no allocation for its future (a boxed future, as
/// [`RpcService`] returns, would cost one per call). The checks before the body run in
/// `call` itself, so that future holds only what the body read and the call need.
pub(crate) fn conn_service(
    shared: Arc<Shared>,
    peer: SocketAddr,
) -> impl hyper::service::Service<
    Request<hyper::body::Incoming>,
    Response = Response<Full<Reply>>,
    Error = Infallible,
    Future: Send,
> {
    hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
        match Arc::clone(&shared).admit(req, Some(peer)) {
            Ok(admitted) => ConnFuture::Answering {
                answer: admitted.answer(),
            },
            Err(refused) => ConnFuture::Refused {
                refused: std::future::ready(refused),
            },
        }
    })
}

pin_project_lite::pin_project! {
    /// The future of one call on a connection: a refusal ready at once, or the call being
    /// answered. (An `async` block holding either would keep room for both, and a copy
    /// of the admitted request besides.)
    #[project = ConnFutureProj]
    enum ConnFuture<F> {
        // hyper polls a call's future no more once it is ready; `Ready` would panic if it
        // did.
        Refused { refused: std::future::Ready<Response<Reply>> },
        Answering { #[pin] answer: F },
    }
}

impl<F: Future<Output = Response<Reply>>> Future for ConnFuture<F> {
    type Output = Result<Response<Full<Reply>>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let res = match self.project() {
            ConnFutureProj::Answering { answer } => std::task::ready!(answer.poll(cx)),
            ConnFutureProj::Refused { refused } => std::task::ready!(Pin::new(refused).poll(cx)),
        };
        Poll::Ready(Ok(res.map(Full::new)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_bytes_are_the_bytes_not_read_yet() {
        let mut r = reply(b"<ok/>".to_vec());
        assert_eq!(reply_bytes(r.clone()), &b"<ok/>"[..]);
        r.set_position(2);
        assert_eq!(reply_bytes(r.clone()), &b"k/>"[..]);
        r.set_position(99);
        assert_eq!(reply_bytes(r), &b""[..]);
        let mut s = reply(&b"static"[..]);
        s.set_position(3);
        assert_eq!(reply_bytes(s), &b"tic"[..]);
    }
}
