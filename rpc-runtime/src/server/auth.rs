//! Request authorization: a hook that sees the request head before the body is read.

use base64::Engine as _;
use http::request::Parts;

/// Decides whether a request may be served, from its head alone (method, URI, headers).
///
/// It runs before the body is read, so a refused client costs no body bytes; the server
/// answers `401 Unauthorized` with `WWW-Authenticate: Basic realm="…"` (see
/// [`ServerBuilder::auth_realm`](super::ServerBuilder::auth_realm)).
///
/// Every closure `Fn(&http::request::Parts) -> bool` is one:
///
/// ```
/// # use rpc_runtime::server::Server;
/// let builder = Server::builder().auth(|req: &http::request::Parts| {
///     req.headers.get("x-api-key").is_some_and(|k| k == "s3cret")
/// });
/// ```
///
/// A `system.multicall` is authorized once, as one HTTP request.
pub trait Authorize: Send + Sync + 'static {
    /// Whether the request with this head may be served.
    fn authorize(&self, request: &Parts) -> bool;
}

impl<F> Authorize for F
where
    F: Fn(&Parts) -> bool + Send + Sync + 'static,
{
    fn authorize(&self, request: &Parts) -> bool {
        self(request)
    }
}

/// HTTP Basic authentication with one user name and password, compared in constant time.
///
/// ```
/// # use rpc_runtime::server::{basic_auth, Server};
/// let builder = Server::builder().auth(basic_auth("us@er", "pa:ss"));
/// ```
///
/// Python's `ServerProxy("http://us%40er:pa%3Ass@host/RPC2")` and
/// [`Client`](crate::Client) with the same URL send exactly these credentials.
pub fn basic_auth(user: &str, password: &str) -> BasicAuth {
    let mut expected = Vec::with_capacity(user.len() + password.len() + 1);
    expected.extend_from_slice(user.as_bytes());
    expected.push(b':');
    expected.extend_from_slice(password.as_bytes());
    BasicAuth { expected }
}

/// The [`Authorize`] hook made by [`basic_auth`].
#[derive(Clone)]
pub struct BasicAuth {
    expected: Vec<u8>,
}

impl std::fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BasicAuth { .. }")
    }
}

impl Authorize for BasicAuth {
    fn authorize(&self, request: &Parts) -> bool {
        let Some(credentials) = basic_credentials(&request.headers) else {
            return false;
        };
        constant_time_eq(&credentials, &self.expected)
    }
}

/// The decoded `user:password` bytes of an `Authorization: Basic …` header.
pub fn basic_credentials(headers: &http::HeaderMap) -> Option<Vec<u8>> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .ok()
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(auth: Option<&str>) -> Parts {
        let mut b = http::Request::builder().method("POST").uri("/RPC2");
        if let Some(a) = auth {
            b = b.header("authorization", a);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn basic() {
        let hook = basic_auth("us@er", "pa:ss");
        // base64("us@er:pa:ss"), what Python sends for http://us%40er:pa%3Ass@host/
        assert!(hook.authorize(&parts(Some("Basic dXNAZXI6cGE6c3M="))));
        assert!(hook.authorize(&parts(Some("basic   dXNAZXI6cGE6c3M="))));
        assert!(!hook.authorize(&parts(Some("Basic dXNAZXI6cGE6c3N="))));
        assert!(!hook.authorize(&parts(Some("Bearer dXNAZXI6cGE6c3M="))));
        assert!(!hook.authorize(&parts(Some("Basic !!!"))));
        assert!(!hook.authorize(&parts(None)));
    }
}
