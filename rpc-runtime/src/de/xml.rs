//! The tokenizer: XML events from quick-xml turned into the tokens of the XML-RPC grammar.
//!
//! quick-xml is lenient where XML 1.0 is not; this layer adds what a well-formedness check
//! needs and what XML-RPC needs on top:
//!
//! * elements are matched on their local name (`ex:nil` is `nil`), and only the elements of
//!   XML-RPC are known; any other name, and any attribute other than a namespace
//!   declaration, is an [`ErrorKind::Invalid`] error;
//! * text is merged: a run of text, character and entity references and CDATA sections
//!   (with comments between them) is one token, borrowed from the input when nothing had to
//!   be decoded;
//! * the five predefined entities and character references are resolved, any other entity
//!   is a syntax error; characters XML 1.0 forbids (raw or as references) are syntax errors;
//!   raw CR LF and lone CR become LF, while `&#13;` stays a CR;
//! * the document has exactly one root element, an optional XML declaration only at the
//!   very start (UTF-8 or US-ASCII), no DOCTYPE and no processing instruction, only
//!   whitespace and comments around the root, and it must not end inside an element.
//!
//! Every error quick-xml reports is fatal.

use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

use crate::error::{Error, ErrorKind, Result};

/// The elements of XML-RPC, by local name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    MethodCall,
    MethodName,
    MethodResponse,
    Params,
    Param,
    Fault,
    Value,
    I4,
    Int,
    I8,
    I1,
    I2,
    BigInteger,
    Boolean,
    String,
    Double,
    Float,
    DateTime,
    Base64,
    Struct,
    Member,
    Name,
    Array,
    Data,
    Nil,
}

impl Tag {
    #[inline]
    fn from_local(name: &str) -> Option<Tag> {
        Some(match name {
            "value" => Tag::Value,
            "string" => Tag::String,
            "member" => Tag::Member,
            "name" => Tag::Name,
            "int" => Tag::Int,
            "i4" => Tag::I4,
            "double" => Tag::Double,
            "boolean" => Tag::Boolean,
            "struct" => Tag::Struct,
            "array" => Tag::Array,
            "data" => Tag::Data,
            "nil" => Tag::Nil,
            "param" => Tag::Param,
            "params" => Tag::Params,
            "i8" => Tag::I8,
            "dateTime.iso8601" => Tag::DateTime,
            "base64" => Tag::Base64,
            "methodCall" => Tag::MethodCall,
            "methodName" => Tag::MethodName,
            "methodResponse" => Tag::MethodResponse,
            "fault" => Tag::Fault,
            "i1" => Tag::I1,
            "i2" => Tag::I2,
            "biginteger" => Tag::BigInteger,
            "float" => Tag::Float,
            _ => return None,
        })
    }

    /// The element name as XML-RPC spells it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Tag::MethodCall => "methodCall",
            Tag::MethodName => "methodName",
            Tag::MethodResponse => "methodResponse",
            Tag::Params => "params",
            Tag::Param => "param",
            Tag::Fault => "fault",
            Tag::Value => "value",
            Tag::I4 => "i4",
            Tag::Int => "int",
            Tag::I8 => "i8",
            Tag::I1 => "i1",
            Tag::I2 => "i2",
            Tag::BigInteger => "biginteger",
            Tag::Boolean => "boolean",
            Tag::String => "string",
            Tag::Double => "double",
            Tag::Float => "float",
            Tag::DateTime => "dateTime.iso8601",
            Tag::Base64 => "base64",
            Tag::Struct => "struct",
            Tag::Member => "member",
            Tag::Name => "name",
            Tag::Array => "array",
            Tag::Data => "data",
            Tag::Nil => "nil",
        }
    }

    /// Whether this element gives a `<value>` its type.
    pub(crate) fn is_type(self) -> bool {
        matches!(
            self,
            Tag::I4
                | Tag::Int
                | Tag::I8
                | Tag::I1
                | Tag::I2
                | Tag::BigInteger
                | Tag::Boolean
                | Tag::String
                | Tag::Double
                | Tag::Float
                | Tag::DateTime
                | Tag::Base64
                | Tag::Struct
                | Tag::Array
                | Tag::Nil
        )
    }

    /// The XML-RPC type name of a value of this type element, as errors report it.
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Tag::I4 | Tag::Int | Tag::I1 | Tag::I2 => "int",
            Tag::I8 | Tag::BigInteger => "i8",
            Tag::Double | Tag::Float => "double",
            other => other.name(),
        }
    }
}

/// A token that is not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    Start(Tag),
    End(Tag),
    Empty(Tag),
    Eof,
}

impl Mark {
    /// How an error message names this token.
    pub(crate) fn describe(self) -> String {
        match self {
            Mark::Start(t) => format!("<{}>", t.name()),
            Mark::End(t) => format!("</{}>", t.name()),
            Mark::Empty(t) => format!("<{}/>", t.name()),
            Mark::Eof => "the end of the document".to_owned(),
        }
    }
}

/// One token of the XML-RPC grammar.
#[derive(Debug)]
pub(crate) enum Token<'a> {
    Mark(Mark),
    /// Merged, decoded character data.
    Text(Cow<'a, str>),
}

/// Where the tokenizer is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doc {
    /// Before the root element; `true` until the first event.
    Prolog { first: bool },
    /// Inside the root element.
    Root,
    /// After the root element closed.
    Epilog,
}

/// Reads XML-RPC tokens from a byte slice.
pub(crate) struct Tokenizer<'a> {
    reader: Reader<&'a [u8]>,
    peeked: Option<(Token<'a>, u64)>,
    /// Elements open right now.
    open: usize,
    doc: Doc,
    /// The byte offset of the token returned last.
    pos: u64,
}

#[inline]
pub(crate) fn is_xml_ws(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// The XML 1.0 `Char` production.
#[inline]
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Byte classes for the raw-text scan: 0 plain, 1 CR, 2 forbidden control, 3 first byte of a
/// three-byte sequence that may be U+FFFE or U+FFFF.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 2;
        i += 1;
    }
    t[b'\t' as usize] = 0;
    t[b'\n' as usize] = 0;
    t[b'\r' as usize] = 1;
    t[0xEF] = 3;
    t
};

/// Checks raw text (already valid UTF-8) against the XML 1.0 `Char` production; returns
/// whether it holds a CR that end-of-line normalisation must replace.
#[inline]
fn scan_raw(s: &str) -> std::result::Result<bool, &'static str> {
    let b = s.as_bytes();
    let mut cr = false;
    let mut i = 0;
    while i < b.len() {
        match CLASS[b[i] as usize] {
            0 => {}
            1 => cr = true,
            2 => return Err("a control character XML does not allow"),
            _ => {
                // U+FFFE is EF BF BE, U+FFFF is EF BF BF.
                if b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)) {
                    return Err("the non-character U+FFFE or U+FFFF");
                }
            }
        }
        i += 1;
    }
    Ok(cr)
}

/// Normalises CR LF and lone CR to LF.
fn normalize_eol(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if rest.starts_with('\n') {
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// A piece of character data: raw text (checked, normalised) or one resolved reference.
enum Piece<'a> {
    Str(Cow<'a, str>),
    Char(char),
}

impl<'a> Tokenizer<'a> {
    pub(crate) fn new(xml: &'a [u8]) -> Self {
        let mut reader = Reader::from_reader(xml);
        let c = reader.config_mut();
        c.check_end_names = true;
        c.check_comments = true;
        c.allow_dangling_amp = false;
        c.allow_unmatched_ends = false;
        c.expand_empty_elements = false;
        c.trim_text(false);
        Tokenizer {
            reader,
            peeked: None,
            open: 0,
            doc: Doc::Prolog { first: true },
            pos: 0,
        }
    }

    /// The byte offset of the token returned last.
    #[inline]
    pub(crate) fn pos(&self) -> u64 {
        self.pos
    }

    /// The next token.
    #[inline]
    pub(crate) fn next(&mut self) -> Result<Token<'a>> {
        if let Some((tok, pos)) = self.peeked.take() {
            self.pos = pos;
            return Ok(tok);
        }
        let (tok, pos) = self.read()?;
        self.pos = pos;
        Ok(tok)
    }

    /// The next token that is not whitespace text; other text is an error, as it stands
    /// where only elements belong.
    #[inline]
    pub(crate) fn next_mark(&mut self) -> Result<Mark> {
        loop {
            match self.next()? {
                Token::Mark(m) => return Ok(m),
                Token::Text(t) => self.check_ws(&t)?,
            }
        }
    }

    /// Like [`next_mark`](Self::next_mark) without consuming the mark.
    #[inline]
    pub(crate) fn peek_mark(&mut self) -> Result<Mark> {
        loop {
            match &self.peeked {
                Some((Token::Mark(m), _)) => return Ok(*m),
                Some((Token::Text(_), _)) => {
                    if let Some((Token::Text(t), pos)) = self.peeked.take() {
                        self.pos = pos;
                        self.check_ws(&t)?;
                    }
                }
                None => match self.read()? {
                    // Reading text also reads (and keeps) the token after it.
                    (Token::Text(t), pos) => {
                        self.pos = pos;
                        self.check_ws(&t)?;
                    }
                    mark => self.peeked = Some(mark),
                },
            }
        }
    }

    #[inline]
    fn check_ws(&self, t: &str) -> Result<()> {
        if is_xml_ws(t) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::Invalid,
                "text where XML-RPC allows only elements",
            )
            .at_offset(self.pos))
        }
    }

    /// Checks the document ends here: nothing but whitespace and comments follow.
    pub(crate) fn expect_eof(&mut self) -> Result<()> {
        match self.next_mark()? {
            Mark::Eof => Ok(()),
            other => Err(Error::new(
                ErrorKind::Invalid,
                format!("expected the end of the document, found {}", other.describe()),
            )
            .at_offset(self.pos)),
        }
    }

    #[cold]
    fn xml_error(&self, e: quick_xml::Error) -> Error {
        Error::new(ErrorKind::Syntax, format!("malformed XML: {e}"))
            .at_offset(self.reader.error_position())
            .with_source(e)
    }

    #[cold]
    fn syntax(msg: impl Into<String>, at: u64) -> Error {
        Error::new(ErrorKind::Syntax, msg).at_offset(at)
    }

    /// Reads the next token from the reader.
    fn read(&mut self) -> Result<(Token<'a>, u64)> {
        loop {
            let start = self.reader.buffer_position();
            let event = self.reader.read_event().map_err(|e| self.xml_error(e))?;
            let first = matches!(self.doc, Doc::Prolog { first: true });
            if first {
                self.doc = Doc::Prolog { first: false };
            }
            let piece = match event {
                Event::Start(e) => {
                    let tag = self.start_tag(&e, start)?;
                    self.open += 1;
                    return Ok((Token::Mark(Mark::Start(tag)), start));
                }
                Event::Empty(e) => {
                    let tag = self.start_tag(&e, start)?;
                    if self.open == 0 {
                        self.doc = Doc::Epilog;
                    }
                    return Ok((Token::Mark(Mark::Empty(tag)), start));
                }
                Event::End(e) => {
                    let tag = Tag::from_local(e.local_name().as_ref()).ok_or_else(|| {
                        Self::syntax("an end tag of an unknown element", start)
                    })?;
                    self.open = self.open.saturating_sub(1);
                    if self.open == 0 {
                        self.doc = Doc::Epilog;
                    }
                    return Ok((Token::Mark(Mark::End(tag)), start));
                }
                Event::Eof => {
                    if self.open > 0 {
                        return Err(Self::syntax("the document ends inside an element", start));
                    }
                    if self.doc != Doc::Epilog {
                        return Err(Self::syntax("the document has no root element", start));
                    }
                    return Ok((Token::Mark(Mark::Eof), start));
                }
                Event::Text(t) => {
                    let raw = t.into_inner();
                    self.raw_piece(raw, start)?
                }
                Event::CData(c) => {
                    if self.open == 0 {
                        return Err(Self::syntax("CDATA outside the root element", start));
                    }
                    self.raw_piece(c.into_inner(), start)?
                }
                Event::GeneralRef(r) => {
                    if self.open == 0 {
                        return Err(Self::syntax("a reference outside the root element", start));
                    }
                    Piece::Char(Self::resolve(&r, start)?)
                }
                Event::Comment(c) => {
                    scan_raw(&c).map_err(|m| Self::syntax(format!("{m} in a comment"), start))?;
                    continue;
                }
                Event::Decl(d) => {
                    if !first {
                        return Err(Self::syntax(
                            "an XML declaration that is not at the start of the document",
                            start,
                        ));
                    }
                    if let Some(enc) = d.encoding() {
                        let enc = enc.map_err(|e| {
                            Self::syntax(format!("malformed XML declaration: {e}"), start)
                        })?;
                        let ok = ["utf-8", "utf8", "us-ascii", "ascii"]
                            .iter()
                            .any(|n| enc.eq_ignore_ascii_case(n));
                        if !ok {
                            return Err(Self::syntax(
                                format!("unsupported encoding `{}`: only UTF-8 is read", enc),
                                start,
                            ));
                        }
                    }
                    continue;
                }
                Event::PI(_) => {
                    return Err(Self::syntax("processing instructions are not allowed", start));
                }
                Event::DocType(_) => {
                    return Err(Self::syntax("a DOCTYPE is not allowed", start));
                }
            };
            if self.open == 0 {
                // Between the prolog, root and epilog only whitespace may stand.
                match piece {
                    Piece::Str(s) if is_xml_ws(&s) => continue,
                    _ => return Err(Self::syntax("text outside the root element", start)),
                }
            }
            return self.merge(piece, start);
        }
    }

    /// Turns raw text into a piece: checks its characters and normalises line ends.
    #[inline]
    fn raw_piece(&self, raw: Cow<'a, str>, start: u64) -> Result<Piece<'a>> {
        let cr = scan_raw(&raw).map_err(|m| Self::syntax(m, start))?;
        if cr {
            Ok(Piece::Str(Cow::Owned(normalize_eol(&raw))))
        } else {
            Ok(Piece::Str(raw))
        }
    }

    fn resolve(r: &BytesRef<'_>, start: u64) -> Result<char> {
        let name: &str = r;
        if name.starts_with('#') {
            match r.resolve_char_ref() {
                Ok(Some(c)) if is_xml_char(c) => Ok(c),
                Ok(_) => Err(Self::syntax(
                    format!("the character reference `&{name};` is not an XML character"),
                    start,
                )),
                Err(e) => Err(Self::syntax(
                    format!("invalid character reference `&{name};`: {e}"),
                    start,
                )),
            }
        } else {
            match name {
                "lt" => Ok('<'),
                "gt" => Ok('>'),
                "amp" => Ok('&'),
                "apos" => Ok('\''),
                "quot" => Ok('"'),
                _ => Err(Self::syntax(
                    format!("undefined entity `&{}`", crate::de::truncate(name, 64)),
                    start,
                )),
            }
        }
    }

    /// Joins `first` with the text pieces that follow it; the first other token is kept
    /// as the peeked one.
    fn merge(&mut self, first: Piece<'a>, start: u64) -> Result<(Token<'a>, u64)> {
        let mut acc: Option<String> = None;
        let mut cur = first;
        loop {
            let at = self.reader.buffer_position();
            let event = self.reader.read_event().map_err(|e| self.xml_error(e))?;
            let next = match event {
                Event::Text(t) => self.raw_piece(t.into_inner(), at)?,
                Event::CData(c) => self.raw_piece(c.into_inner(), at)?,
                Event::GeneralRef(r) => Piece::Char(Self::resolve(&r, at)?),
                Event::Comment(c) => {
                    scan_raw(&c).map_err(|m| Self::syntax(format!("{m} in a comment"), at))?;
                    continue;
                }
                Event::Start(e) => {
                    let tag = self.start_tag(&e, at)?;
                    self.open += 1;
                    self.peeked = Some((Token::Mark(Mark::Start(tag)), at));
                    break;
                }
                Event::Empty(e) => {
                    let tag = self.start_tag(&e, at)?;
                    self.peeked = Some((Token::Mark(Mark::Empty(tag)), at));
                    break;
                }
                Event::End(e) => {
                    let tag = Tag::from_local(e.local_name().as_ref())
                        .ok_or_else(|| Self::syntax("an end tag of an unknown element", at))?;
                    self.open = self.open.saturating_sub(1);
                    if self.open == 0 {
                        self.doc = Doc::Epilog;
                    }
                    self.peeked = Some((Token::Mark(Mark::End(tag)), at));
                    break;
                }
                Event::Eof => {
                    return Err(Self::syntax("the document ends inside an element", at));
                }
                Event::Decl(_) => {
                    return Err(Self::syntax(
                        "an XML declaration that is not at the start of the document",
                        at,
                    ));
                }
                Event::PI(_) => {
                    return Err(Self::syntax("processing instructions are not allowed", at));
                }
                Event::DocType(_) => return Err(Self::syntax("a DOCTYPE is not allowed", at)),
            };
            let buf = acc.get_or_insert_with(|| {
                let mut s = String::new();
                push_piece(&mut s, &cur);
                s
            });
            push_piece(buf, &next);
            cur = next;
        }
        let text = match (acc, cur) {
            (Some(s), _) => Cow::Owned(s),
            (None, Piece::Str(s)) => s,
            (None, Piece::Char(c)) => Cow::Owned(c.to_string()),
        };
        Ok((Token::Text(text), start))
    }

    /// The tag of a start or empty element; checks its attributes and the root rules.
    #[inline]
    fn start_tag(&mut self, e: &BytesStart<'_>, start: u64) -> Result<Tag> {
        if self.doc == Doc::Epilog {
            return Err(Self::syntax("more than one root element", start));
        }
        if self.open == 0 {
            self.doc = Doc::Root;
        }
        let local = e.local_name();
        let local: &str = local.as_ref();
        let tag = Tag::from_local(local).ok_or_else(|| {
            Error::new(
                ErrorKind::Invalid,
                format!("unknown element <{}>", crate::de::truncate(local, 64)),
            )
            .at_offset(start)
        })?;
        let raw = e.attributes_raw();
        if !raw.is_empty() && !is_xml_ws(raw) {
            Self::check_attributes(e, tag, start)?;
        }
        Ok(tag)
    }

    /// Only namespace declarations may stand on an element (Apache ws-xmlrpc declares the
    /// `ex` prefix on the root); any other attribute is an error.
    #[cold]
    fn check_attributes(e: &BytesStart<'_>, tag: Tag, start: u64) -> Result<()> {
        for attr in e.attributes() {
            let attr = attr.map_err(|err| Self::syntax(format!("malformed attribute: {err}"), start))?;
            let key: &str = attr.key.as_ref();
            if key != "xmlns" && !key.starts_with("xmlns:") {
                return Err(Error::new(
                    ErrorKind::Invalid,
                    format!(
                        "attribute `{}` on <{}>: XML-RPC elements have no attributes",
                        crate::de::truncate(key, 64),
                        tag.name()
                    ),
                )
                .at_offset(start));
            }
            scan_raw(&attr.value)
                .map_err(|m| Self::syntax(format!("{m} in an attribute"), start))?;
        }
        Ok(())
    }
}

fn push_piece(s: &mut String, p: &Piece<'_>) {
    match p {
        Piece::Str(t) => s.push_str(t),
        Piece::Char(c) => s.push(*c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(xml: &str) -> Result<Vec<String>> {
        let mut t = Tokenizer::new(xml.as_bytes());
        let mut out = Vec::new();
        loop {
            match t.next()? {
                Token::Mark(Mark::Eof) => return Ok(out),
                Token::Mark(m) => out.push(m.describe()),
                Token::Text(s) => out.push(format!("{s:?}")),
            }
        }
    }

    #[test]
    fn merges_text_and_references() {
        let v = tokens("<string>a&amp;b&lt;&#13;<![CDATA[<&]]>&#x1F600;<!-- c -->z</string>").unwrap();
        assert_eq!(v, ["<string>", "\"a&b<\\r<&😀z\"", "</string>"]);
    }

    #[test]
    fn borrows_plain_text() {
        let mut t = Tokenizer::new(b"<string>plain</string>");
        t.next().unwrap();
        match t.next().unwrap() {
            Token::Text(Cow::Borrowed(s)) => assert_eq!(s, "plain"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn normalises_line_ends() {
        let v = tokens("<string>a\r\nb\rc&#13;\n</string>").unwrap();
        assert_eq!(v[1], "\"a\\nb\\nc\\r\\n\"");
    }

    #[test]
    fn local_names_and_namespace_declarations() {
        let v = tokens("<value xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'><ex:nil/></value>").unwrap();
        assert_eq!(v, ["<value>", "<nil/>", "</value>"]);
    }

    #[test]
    fn document_rules() {
        for (xml, kind) in [
            ("<value/><value/>", ErrorKind::Syntax),
            ("<value/>junk", ErrorKind::Syntax),
            ("junk<value/>", ErrorKind::Syntax),
            ("<value>", ErrorKind::Syntax),
            ("", ErrorKind::Syntax),
            ("<value></data>", ErrorKind::Syntax),
            ("<value/><?xml version='1.0'?>", ErrorKind::Syntax),
            ("<?xml version='1.0' encoding='ISO-8859-1'?><value/>", ErrorKind::Syntax),
            ("<!DOCTYPE x><value/>", ErrorKind::Syntax),
            ("<?pi x?><value/>", ErrorKind::Syntax),
            ("<foo/>", ErrorKind::Invalid),
            ("<value a='1'/>", ErrorKind::Invalid),
        ] {
            let e = tokens(xml).unwrap_err();
            assert_eq!(e.kind(), kind, "{xml}: {e}");
            assert!(e.offset().is_some(), "{xml}: {e}");
        }
        assert!(tokens("<?xml version='1.0' encoding='utf-8'?>\n<!-- c --><value/>\n<!-- d -->\n").is_ok());
    }

    #[test]
    fn scan_classes() {
        assert_eq!(scan_raw("abc\t\n"), Ok(false));
        assert_eq!(scan_raw("a\rb"), Ok(true));
        assert!(scan_raw("a\u{1}").is_err());
        assert!(scan_raw("a\u{FFFE}").is_err());
        assert!(scan_raw("a\u{FFFF}").is_err());
        assert_eq!(scan_raw("\u{FFFD}\u{EFFF}"), Ok(false));
    }
}
