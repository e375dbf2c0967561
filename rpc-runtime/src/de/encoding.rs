//! Documents in ISO-8859-1, which Python sends with `ServerProxy(url, encoding='iso-8859-1')`.

use std::borrow::Cow;

use crate::error::Result;

/// Where the word `encoding` first stands in an XML declaration's content, if it does.
/// Byte scans, not window compares: every request's declaration passes here.
pub(crate) fn find_encoding(decl: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let e = from + decl[from..].iter().position(|&b| b == b'e')?;
        if decl[e..].starts_with(b"encoding") {
            return Some(e);
        }
        from = e + 1;
    }
}

/// The value of the `encoding` pseudo-attribute of a leading XML declaration, if any, and
/// where the declaration ends (the index just past its `?>`).
fn declared_encoding(xml: &[u8]) -> Option<(&[u8], usize)> {
    let rest = xml.strip_prefix(b"<?xml")?;
    if !rest.first().is_some_and(|b| b.is_ascii_whitespace()) {
        return None;
    }
    // Its pseudo-attribute values (version, encoding name, yes/no) cannot hold `>`, so the
    // first `>` ends a declaration that can be read: a `?>` starting within the first 256
    // bytes after `<?xml`.
    let end = rest[..rest.len().min(257)]
        .iter()
        .position(|&b| b == b'>')?;
    let decl = rest[..end].strip_suffix(b"?")?;
    let at = find_encoding(decl)?;
    let mut after = &decl[at + 8..];
    after = after
        .trim_ascii_start()
        .strip_prefix(b"=")?
        .trim_ascii_start();
    let quote = *after.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &after[1..];
    let close = value.iter().position(|&b| b == quote)?;
    Some((&value[..close], b"<?xml".len() + end + 1))
}

/// Converts a document whose XML declaration names ISO-8859-1 (Latin-1) to UTF-8, with
/// the declaration dropped; any other document is returned unchanged.
///
/// The readers in this module take UTF-8 (or US-ASCII) only and reject other declared
/// encodings. Python's client writes Latin-1 when asked to, with characters outside it as
/// character references; a server that wants to read such requests passes the body through
/// this function before [`parse_call`](crate::parse_call):
///
/// ```
/// let body = b"<?xml version='1.0' encoding='iso-8859-1'?><methodCall><methodName>echo</methodName><params><param><value><string>\xe9&#20013;</string></value></param></params></methodCall>";
/// let utf8 = rpc_runtime::de::latin1_to_utf8(body).unwrap();
/// let mut call = rpc_runtime::parse_call(&utf8, &rpc_runtime::Config::default()).unwrap();
/// assert_eq!(call.params.next::<String>().unwrap(), "é中");
/// ```
///
/// A declaration that cannot be read is left for the parser to report.
pub fn latin1_to_utf8(xml: &[u8]) -> Result<Cow<'_, [u8]>> {
    let Some((encoding, body_start)) = declared_encoding(xml) else {
        return Ok(Cow::Borrowed(xml));
    };
    let latin1 = [
        &b"iso-8859-1"[..],
        b"iso8859-1",
        b"iso_8859-1",
        b"latin-1",
        b"latin1",
        b"l1",
    ]
    .iter()
    .any(|n| encoding.eq_ignore_ascii_case(n));
    if !latin1 {
        return Ok(Cow::Borrowed(xml));
    }
    let body = &xml[body_start..];
    let mut out = Vec::with_capacity(body.len() + body.len() / 8);
    for &b in body {
        if b < 0x80 {
            out.push(b);
        } else {
            // U+0080 ..= U+00FF in two bytes.
            out.push(0xC0 | (b >> 6));
            out.push(0x80 | (b & 0x3F));
        }
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_declared_encoding() {
        fn encoding(xml: &[u8]) -> Option<&[u8]> {
            declared_encoding(xml).map(|(name, _)| name)
        }
        let decl = b"<?xml version='1.0' encoding='iso-8859-1'?>";
        assert_eq!(
            declared_encoding(decl),
            Some((&b"iso-8859-1"[..], decl.len()))
        );
        assert_eq!(
            encoding(b"<?xml version='1.0' encoding='iso-8859-1'?><a/>"),
            Some(&b"iso-8859-1"[..])
        );
        assert_eq!(
            encoding(b"<?xml version=\"1.0\" encoding = \"UTF-8\" ?>"),
            Some(&b"UTF-8"[..])
        );
        assert_eq!(encoding(b"<?xml version='1.0'?><a/>"), None);
        assert_eq!(
            encoding(b"<?xml version='1.0'?><a encoding='latin1'/>"),
            None
        );
        assert_eq!(
            encoding(b"<?xml version='1.0' encoding='latin1' ?><a/>"),
            Some(&b"latin1"[..])
        );
        assert_eq!(encoding(b"<?xml version='1.0' encoding='latin1'"), None);
        // The `?>` may start up to 255 bytes after `<?xml`, and no further.
        let mut doc = b"<?xml version='1.0' encoding='latin1'".to_vec();
        doc.resize(5 + 255, b' ');
        let mut late = doc.clone();
        doc.extend_from_slice(b"?><a/>");
        assert_eq!(encoding(&doc), Some(&b"latin1"[..]));
        late.extend_from_slice(b" ?><a/>");
        assert_eq!(encoding(&late), None);
        assert_eq!(encoding(b"<a/>"), None);
        assert_eq!(encoding(b"<?xml-stylesheet encoding='x'?>"), None);
    }

    #[test]
    fn converts_latin1_only() {
        let doc = b"<?xml version='1.0' encoding='ISO-8859-1'?><value>\xe9\xff</value>";
        assert_eq!(
            &*latin1_to_utf8(doc).unwrap(),
            "<value>éÿ</value>".as_bytes()
        );
        let utf8 = "<?xml version='1.0' encoding='utf-8'?><value>é</value>".as_bytes();
        assert!(matches!(latin1_to_utf8(utf8).unwrap(), Cow::Borrowed(_)));
        let plain = b"<value>x</value>";
        assert!(matches!(latin1_to_utf8(plain).unwrap(), Cow::Borrowed(_)));
    }
}
