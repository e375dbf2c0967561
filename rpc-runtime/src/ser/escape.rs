//! Escaping text for XML element content.
//!
//! `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;` (`>` so that `]]>` never appears), and
//! CR becomes `&#13;`, so it survives the end-of-line normalisation every XML parser applies.
//! Characters XML 1.0 cannot carry at all, raw or as references (U+0000..U+0008, U+000B,
//! U+000C, U+000E..U+001F, U+FFFE, U+FFFF), are an [`ErrorKind::Encode`] error.
//!
//! The scan looks each byte up in a table and copies unescaped runs with one
//! `extend_from_slice`. All bytes that need attention are ASCII or the lead byte `0xEF` of
//! U+FFFE / U+FFFF, so the scan never has to decode UTF-8.

use crate::error::{Error, ErrorKind, Result};

/// Copied as is.
const PLAIN: u8 = 0;
/// `&`, `<`, `>` or CR: replaced by a reference.
const ESCAPE: u8 = 1;
/// A C0 control character XML 1.0 does not allow.
const FORBIDDEN: u8 = 2;
/// `0xEF`: the lead byte of U+F000..U+FFFF, which includes U+FFFE and U+FFFF.
const LEAD_EF: u8 = 3;

static CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut b = 0;
    while b < 0x20 {
        if b != b'\t' && b != b'\n' && b != b'\r' {
            t[b as usize] = FORBIDDEN;
        }
        b += 1;
    }
    t[b'&' as usize] = ESCAPE;
    t[b'<' as usize] = ESCAPE;
    t[b'>' as usize] = ESCAPE;
    t[b'\r' as usize] = ESCAPE;
    t[0xEF] = LEAD_EF;
    t
};

/// The reference written for a byte of class [`ESCAPE`].
#[inline]
fn replacement(b: u8) -> &'static [u8] {
    match b {
        b'&' => b"&amp;",
        b'<' => b"&lt;",
        b'>' => b"&gt;",
        _ => b"&#13;",
    }
}

/// Whether the three bytes at `i` (a `0xEF` lead byte) encode U+FFFE or U+FFFF.
#[inline]
fn is_nonchar_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))
}

/// Appends `text` to `out` escaped for element content; a character XML 1.0 cannot carry is
/// an error, and `out` then holds a partial copy.
pub(crate) fn escape_into(out: &mut Vec<u8>, text: &str) -> Result<()> {
    escape_with(out, text, |_, at| Err(unencodable(text, at)))
}

/// Like [`escape_into`], but writes U+FFFD in place of each character XML cannot carry, so
/// it never fails. For fault strings, which must always be sendable.
pub(crate) fn escape_lossy_into(out: &mut Vec<u8>, text: &str) {
    let never = escape_with(out, text, |out, _| {
        out.extend_from_slice("\u{FFFD}".as_bytes());
        Ok::<(), std::convert::Infallible>(())
    });
    let Ok(()) = never;
}

/// The escaping loop of both: copies `text` to `out`, escaping what element content must
/// escape; for each character XML 1.0 cannot carry, `on_unencodable(out, byte offset)` writes a
/// replacement or stops with an error.
#[inline(always)]
fn escape_with<E>(
    out: &mut Vec<u8>,
    text: &str,
    mut on_unencodable: impl FnMut(&mut Vec<u8>, usize) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // The length of a character XML cannot carry found at `i`.
        let bad = match CLASS[b as usize] {
            PLAIN => {
                i += 1;
                continue;
            }
            ESCAPE => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(replacement(b));
                i += 1;
                start = i;
                continue;
            }
            // 0xEF always leads a three-byte sequence in valid UTF-8.
            LEAD_EF if !is_nonchar_at(bytes, i) => {
                i += 3;
                continue;
            }
            LEAD_EF => 3,
            _ => 1,
        };
        out.extend_from_slice(&bytes[start..i]);
        on_unencodable(out, i)?;
        i += bad;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    Ok(())
}

/// Reverses [`escape_into`] on text it wrote: used only to name a struct member in an
/// error path.
pub(crate) fn unescape_own(escaped: &[u8]) -> String {
    let text = String::from_utf8_lossy(escaped);
    if !text.contains('&') {
        return text.into_owned();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
}

#[cold]
fn unencodable(text: &str, at: usize) -> Error {
    let c = text[at..].chars().next().unwrap_or('\u{0}');
    Error::new(
        ErrorKind::Encode,
        format!(
            "string holds U+{:04X} at byte {at}, a character XML 1.0 cannot carry (send it as base64)",
            u32::from(c)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> Result<String> {
        let mut out = Vec::new();
        escape_into(&mut out, s)?;
        Ok(String::from_utf8(out).unwrap())
    }

    fn lossy(s: &str) -> String {
        let mut out = Vec::new();
        escape_lossy_into(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_markup_and_cr() {
        assert_eq!(esc("<&>]]>").unwrap(), "&lt;&amp;&gt;]]&gt;");
        assert_eq!(esc("a\r\nb\rc").unwrap(), "a&#13;\nb&#13;c");
        assert_eq!(esc("\"quote\" 'apos'").unwrap(), "\"quote\" 'apos'");
        assert_eq!(esc("").unwrap(), "");
        assert_eq!(esc("plain").unwrap(), "plain");
        assert_eq!(esc("tab\tnl\n").unwrap(), "tab\tnl\n");
    }

    #[test]
    fn keeps_non_ascii_and_legal_ef_characters() {
        // U+FFFD (EF BF BD), U+F000 (EF 80 80), U+FFEF, astral, and others.
        let s = "\u{FFFD}\u{F000}\u{FFEF}é✓😀\u{10FFFF}\u{FFFD}";
        assert_eq!(esc(s).unwrap(), s);
        assert_eq!(lossy(s), s);
    }

    #[test]
    fn refuses_characters_xml_cannot_carry() {
        for c in (0u32..0x20)
            .filter(|c| ![0x09, 0x0A, 0x0D].contains(c))
            .chain([0xFFFE, 0xFFFF])
        {
            let c = char::from_u32(c).unwrap();
            let s = format!("ab{c}cd");
            let err = esc(&s).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Encode, "{c:?}");
            assert!(
                err.message()
                    .contains(&format!("U+{:04X} at byte 2", u32::from(c))),
                "{err}"
            );
        }
    }

    #[test]
    fn lossy_replaces_what_xml_cannot_carry() {
        assert_eq!(
            lossy("a\u{0}b\u{1}<\u{FFFE}\u{FFFF}\r"),
            "a\u{FFFD}b\u{FFFD}&lt;\u{FFFD}\u{FFFD}&#13;"
        );
    }

    #[test]
    fn unescape_reverses_escape() {
        let s = "a<b>&c\r&amp;";
        let mut out = Vec::new();
        escape_into(&mut out, s).unwrap();
        assert_eq!(unescape_own(&out), s);
    }
}
