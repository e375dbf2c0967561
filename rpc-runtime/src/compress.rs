//! gzip on both sides of the transport: bounded decoding, fast encoding, and the
//! `Accept-Encoding` / `Content-Encoding` rules both sides share.

use std::io::{Read, Write};

/// Why a gzip body could not be decoded.
#[derive(Debug)]
pub(crate) enum GzipError {
    /// The decoded body is longer than the limit.
    TooLarge,
    /// The data is not a valid gzip stream.
    Invalid(std::io::Error),
}

/// Decodes a gzip stream (all its members, as Python's `gzip` does), refusing output
/// longer than `limit` bytes.
///
/// The decoder stops after `limit + 1` output bytes, so a small bomb (1 GiB of zeros is
/// about 1 MB gzipped) costs at most `limit` bytes of memory and the time to inflate them.
pub(crate) fn gunzip_bounded(data: &[u8], limit: usize) -> Result<Vec<u8>, GzipError> {
    let decoder = flate2::read::MultiGzDecoder::new(data);
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).min(limit).min(1 << 20));
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    decoder
        .take(cap)
        .read_to_end(&mut out)
        .map_err(GzipError::Invalid)?;
    if out.len() > limit {
        return Err(GzipError::TooLarge);
    }
    Ok(out)
}

/// Encodes `data` as gzip with the fast level (Python's server uses level 1 too).
pub(crate) fn gzip_fast(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 4 + 64),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// What a `Content-Encoding` header asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    /// No encoding (header absent or `identity`).
    Identity,
    /// `gzip` (or its old alias `x-gzip`).
    Gzip,
    /// Anything else.
    Unsupported,
}

/// Reads a `Content-Encoding` header value.
pub(crate) fn content_coding(value: Option<&http::HeaderValue>) -> Coding {
    let Some(value) = value else {
        return Coding::Identity;
    };
    let Ok(text) = value.to_str() else {
        return Coding::Unsupported;
    };
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("identity") {
        Coding::Identity
    } else if text.eq_ignore_ascii_case("gzip") || text.eq_ignore_ascii_case("x-gzip") {
        Coding::Gzip
    } else {
        Coding::Unsupported
    }
}

/// Whether an `Accept-Encoding` header allows gzip: `gzip` is listed with a q-value other
/// than 0 (the rule Python's server applies).
pub(crate) fn accepts_gzip(headers: &http::HeaderMap) -> bool {
    headers
        .get_all(http::header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            if !name.eq_ignore_ascii_case("gzip") {
                return false;
            }
            for param in parts {
                let param = param.trim();
                if let Some(q) = param
                    .strip_prefix("q=")
                    .or_else(|| param.strip_prefix("Q="))
                {
                    return q.trim().parse::<f32>().map(|q| q > 0.0).unwrap_or(false);
                }
            }
            true
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_bound() {
        let data = vec![b'a'; 10_000];
        let z = gzip_fast(&data);
        assert!(z.len() < 200);
        assert_eq!(gunzip_bounded(&z, 10_000).unwrap(), data);
        assert!(matches!(
            gunzip_bounded(&z, 9_999),
            Err(GzipError::TooLarge)
        ));
        let mut two = gzip_fast(b"ab");
        two.extend_from_slice(&gzip_fast(b"cd"));
        assert_eq!(gunzip_bounded(&two, 4).unwrap(), b"abcd");
        assert!(matches!(gunzip_bounded(&two, 3), Err(GzipError::TooLarge)));
        assert!(matches!(
            gunzip_bounded(b"not gzip at all", 100),
            Err(GzipError::Invalid(_))
        ));
    }

    #[test]
    fn accept_encoding_rules() {
        let check = |v: &str| {
            let mut h = http::HeaderMap::new();
            h.insert(http::header::ACCEPT_ENCODING, v.parse().unwrap());
            accepts_gzip(&h)
        };
        assert!(check("gzip"));
        assert!(check("deflate, GZIP;q=0.5"));
        assert!(!check("gzip;q=0"));
        assert!(!check("gzip; q=0.0"));
        assert!(!check("deflate"));
        assert!(!check("x-gzip-not"));
        assert!(!accepts_gzip(&http::HeaderMap::new()));
    }

    #[test]
    fn content_coding_values() {
        let v = |s: &str| content_coding(Some(&http::HeaderValue::from_str(s).unwrap()));
        assert_eq!(content_coding(None), Coding::Identity);
        assert_eq!(v("identity"), Coding::Identity);
        assert_eq!(v("gzip"), Coding::Gzip);
        assert_eq!(v("x-gzip"), Coding::Gzip);
        assert_eq!(v("br"), Coding::Unsupported);
        assert_eq!(v("gzip, br"), Coding::Unsupported);
    }
}
