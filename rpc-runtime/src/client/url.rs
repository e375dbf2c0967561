//! Server URLs as Python's `ServerProxy` reads them.

use base64::Engine as _;
use http::{HeaderValue, Uri};

use crate::error::{Error, ErrorKind, Result};

/// Where calls go, and the credentials the URL carried.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) uri: Uri,
    pub(crate) authorization: Option<HeaderValue>,
}

fn bad_url(url: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::Transport,
        format!("invalid server URL `{url}`: {why}"),
    )
}

/// Parses `scheme://[user[:password]@]host[:port][/path][?query]`.
///
/// As Python: the credentials are percent-decoded (`us%40er:pa%3Ass` is `us@er:pa:ss`)
/// and sent as HTTP Basic; the path and query are used as they are; no path is `/RPC2`.
pub(crate) fn parse(url: &str) -> Result<Target> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad_url(url, "expected http://host[:port][/path]"))?;
    let scheme = scheme.to_ascii_lowercase();
    match scheme.as_str() {
        "http" => {}
        "https" if cfg!(feature = "rustls") => {}
        "https" => return Err(bad_url(url, "https needs the `rustls` feature")),
        _ => return Err(bad_url(url, "the scheme must be http or https")),
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (netloc, tail) = rest.split_at(end);
    let (userinfo, hostport) = match netloc.rfind('@') {
        Some(at) => (Some(&netloc[..at]), &netloc[at + 1..]),
        None => (None, netloc),
    };
    if hostport.is_empty() {
        return Err(bad_url(url, "no host"));
    }
    // The fragment is never sent.
    let tail = tail.split('#').next().unwrap_or("");
    let path = if tail.is_empty() {
        "/RPC2".to_owned()
    } else if tail.starts_with('?') {
        format!("/{tail}")
    } else {
        tail.to_owned()
    };
    let uri: Uri = format!("{scheme}://{hostport}{path}")
        .parse()
        .map_err(|e: http::uri::InvalidUri| bad_url(url, &e.to_string()))?;
    let after_host = hostport.rsplit(']').next().unwrap_or(hostport);
    if let Some((_, port)) = after_host.rsplit_once(':')
        && port.parse::<u16>().is_err()
    {
        return Err(bad_url(url, "the port must be a number below 65536"));
    }
    let authorization = match userinfo {
        None => None,
        Some(info) => {
            let token = base64::engine::general_purpose::STANDARD.encode(percent_decode(info));
            let value = HeaderValue::from_str(&format!("Basic {token}"))
                .map_err(|_| bad_url(url, "credentials cannot be sent"))?;
            let mut value = value;
            value.set_sensitive(true);
            Some(value)
        }
    };
    Ok(Target { uri, authorization })
}

/// `urllib.parse.unquote_to_bytes`: `%XX` becomes the byte, anything else stays.
fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_rules() {
        let t = parse("http://us%40er:pa%3Ass@127.0.0.1:8000/RPC2").unwrap();
        assert_eq!(t.uri, "http://127.0.0.1:8000/RPC2");
        // What Python sends for the same URL.
        assert_eq!(
            t.authorization.unwrap().to_str().unwrap(),
            "Basic dXNAZXI6cGE6c3M="
        );
        let t = parse("http://127.0.0.1:8000").unwrap();
        assert_eq!(t.uri.path(), "/RPC2");
        assert!(t.authorization.is_none());
        let t = parse("HTTP://localhost/pyblish?x=1#frag").unwrap();
        assert_eq!(t.uri.path_and_query().unwrap().as_str(), "/pyblish?x=1");
        let t = parse("http://[::1]:9/").unwrap();
        assert_eq!(t.uri.host(), Some("[::1]"));
        assert_eq!(t.uri.path(), "/");
        assert!(parse("ftp://x/").is_err());
        assert!(parse("127.0.0.1:80").is_err());
        assert!(parse("http:///RPC2").is_err());
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("a%41%4"), b"aA%4");
        assert_eq!(percent_decode("%zz%20"), b"%zz ");
        assert_eq!(percent_decode("%e4%b8%ad"), "中".as_bytes());
    }
}
