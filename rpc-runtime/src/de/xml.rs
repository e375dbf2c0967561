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
//!   whitespace and comments around the root, and it must not end inside an element;
//! * an end tag must name the element it closes, exactly as its start tag was written
//!   (`</ex:i8>` closes `<ex:i8>` and nothing else): checked here against the stack of
//!   open elements, which also keeps the written name of an element with a prefix.
//!
//! Every error quick-xml reports is fatal. The document is checked as UTF-8 once, before
//! any event is read (quick-xml hands events out as bytes, and text is taken as the part of
//! the checked document it covers): a document that is not UTF-8 is read up to its first
//! invalid byte, and is a syntax error there unless an error comes before it (such as a
//! declared encoding other than UTF-8).
//!
//! For speed, quick-xml is told to skip blank text while the open element holds only
//! elements (or none is open): the line breaks between the elements of a pretty-printed
//! message then cost no event. Inside an element with character data every character is
//! kept. Character data and rare events are handled out of line.
//!
//! Most of a message is markup in its plainest form: tags that are exactly `<name>`,
//! `</name>` or `<name/>` for an XML-RPC name, blank text between elements that hold only
//! elements, and text with no reference followed by the end tag of its element, as in
//! `<value><int>7</int></value>`. Those are read here by comparing bytes (see
//! `Tokenizer::plain`), at a fraction of the cost of a quick-xml event, and give exactly
//! the tokens, texts and offsets quick-xml's events would (a property test reads random
//! documents both ways and compares). The XML declaration in its plainest forms is passed
//! over the same way. Anything else is read by quick-xml from where the plain markup
//! stops: any other declaration, and the start of a document without a plain one;
//! comments, CDATA, references, attributes, prefixes, whitespace in a tag, text with a
//! character XML forbids, text longer than a short window; the end tag of every element
//! whose start tag quick-xml read; every error, and everything after an error.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

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

/// Every element of XML-RPC, in no particular order.
const ALL_TAGS: [Tag; 25] = [
    Tag::MethodCall,
    Tag::MethodName,
    Tag::MethodResponse,
    Tag::Params,
    Tag::Param,
    Tag::Fault,
    Tag::Value,
    Tag::I4,
    Tag::Int,
    Tag::I8,
    Tag::I1,
    Tag::I2,
    Tag::BigInteger,
    Tag::Boolean,
    Tag::String,
    Tag::Double,
    Tag::Float,
    Tag::DateTime,
    Tag::Base64,
    Tag::Struct,
    Tag::Member,
    Tag::Name,
    Tag::Array,
    Tag::Data,
    Tag::Nil,
];

/// A name of 2 to 16 bytes as two overlapping little-endian words, its first and its last
/// 2, 4 or 8 bytes; together with the length they are the whole name.
#[inline(always)]
fn name_words(b: &[u8]) -> Option<(u64, u64)> {
    fn word<const N: usize>(b: &[u8]) -> u64 {
        let mut w = [0u8; 8];
        w[..N].copy_from_slice(&b[..N]);
        u64::from_le_bytes(w)
    }
    let n = b.len();
    Some(match n {
        2..=3 => (word::<2>(b), word::<2>(&b[n - 2..])),
        4..=7 => (word::<4>(b), word::<4>(&b[n - 4..])),
        8..=16 => (word::<8>(b), word::<8>(&b[n - 8..])),
        _ => return None,
    })
}

/// [`name_words`] for building [`TAG_TABLE`] at compile time.
const fn const_name_words(b: &[u8]) -> Option<(u64, u64)> {
    const fn word<const N: usize>(b: &[u8], at: usize) -> u64 {
        let mut w = 0u64;
        let mut i = 0;
        while i < N {
            w |= (b[at + i] as u64) << (8 * i);
            i += 1;
        }
        w
    }
    let n = b.len();
    Some(match n {
        2..=3 => (word::<2>(b, 0), word::<2>(b, n - 2)),
        4..=7 => (word::<4>(b, 0), word::<4>(b, n - 4)),
        8..=16 => (word::<8>(b, 0), word::<8>(b, n - 8)),
        _ => return None,
    })
}

/// The length and [`name_words`] of each element's name, by `Tag as usize`.
const TAG_WORDS: [(usize, u64, u64); ALL_TAGS.len()] = {
    let mut words = [(0, 0, 0); ALL_TAGS.len()];
    let mut i = 0;
    while i < ALL_TAGS.len() {
        let tag = ALL_TAGS[i];
        let b = tag.name().as_bytes();
        let Some((lo, hi)) = const_name_words(b) else {
            panic!("an XML-RPC element name outside 2 to 16 bytes");
        };
        words[tag as usize] = (b.len(), lo, hi);
        i += 1;
    }
    words
};

/// The slot of a name in [`TAG_TABLE`]: a multiplicative hash of its words that gives each
/// XML-RPC element its own slot (the table's construction checks that at compile time).
#[inline(always)]
const fn name_slot(len: usize, lo: u64, hi: u64) -> usize {
    ((lo ^ (hi << 1) ^ len as u64).wrapping_mul(0x899d_ca16_a7a7_485d) >> 58) as usize
}

/// The element whose name hashes to each [`name_slot`]; [`TAG_WORDS`] holds its name.
const TAG_TABLE: [Option<Tag>; 64] = {
    let mut table = [None; 64];
    let mut i = 0;
    while i < ALL_TAGS.len() {
        let tag = ALL_TAGS[i];
        let (len, lo, hi) = TAG_WORDS[tag as usize];
        let slot = name_slot(len, lo, hi);
        assert!(table[slot].is_none(), "two element names share a slot");
        table[slot] = Some(tag);
        i += 1;
    }
    table
};

impl Tag {
    /// Whether `name` is exactly this element's name: the check of every end tag.
    #[inline(always)]
    fn is_named(self, name: &[u8]) -> bool {
        let (len, lo, hi) = TAG_WORDS[self as usize];
        name.len() == len && name_words(name) == Some((lo, hi))
    }

    /// The element with exactly this local name: one hash and one comparison of two
    /// words, as this runs for every start tag.
    #[inline(always)]
    fn from_local(b: &[u8]) -> Option<Tag> {
        let (lo, hi) = name_words(b)?;
        let tag = TAG_TABLE[name_slot(b.len(), lo, hi)]?;
        (TAG_WORDS[tag as usize] == (b.len(), lo, hi)).then_some(tag)
    }

    /// The element name as XML-RPC spells it.
    pub(crate) const fn name(self) -> &'static str {
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

    /// Whether this element holds only elements, so text in it must be whitespace.
    #[inline]
    fn is_structural(self) -> bool {
        matches!(
            self,
            Tag::MethodCall
                | Tag::MethodResponse
                | Tag::Params
                | Tag::Param
                | Tag::Fault
                | Tag::Struct
                | Tag::Member
                | Tag::Array
                | Tag::Data
        )
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

/// One token of the XML-RPC grammar. Small enough to travel in registers; the text of a
/// [`Tok::Text`] is taken with [`Tokenizer::take_text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Mark(Mark),
    /// Merged, decoded character data.
    Text,
}

/// Reads XML-RPC tokens from a byte slice.
pub(crate) struct Tokenizer<'a> {
    reader: Reader<&'a [u8]>,
    /// What the reader reads: the document, checked as UTF-8 once, so that events (which
    /// quick-xml hands out as bytes) become text by slicing it; for a document that is not
    /// UTF-8, the part before its first invalid byte.
    doc: &'a str,
    /// Why the document is not UTF-8, if it is not: the error reported where `doc` ends
    /// (see [`cut_error`](Self::cut_error)).
    not_utf8: Option<std::str::Utf8Error>,
    /// The mark read after a text token (or by `peek_mark`), with its offset.
    peeked: Option<(Mark, u64)>,
    /// The text of the last [`Tok::Text`].
    text: Cow<'a, str>,
    /// Whether character data read now continues `text` rather than starting it.
    merging: bool,
    /// The offset of the event read last.
    step_pos: u64,
    /// The elements open right now, innermost last.
    stack: TagStack,
    /// The elements open right now whose start tag has a namespace prefix, as the depth of
    /// the stack with each and its name as written: what its end tag must say. Empty in
    /// most documents, so it costs no allocation.
    prefixed: Vec<(usize, &'a [u8])>,
    /// Whether the root element started.
    root_seen: bool,
    /// The byte offset of the token returned last.
    pos: u64,
    /// Bytes read by [`plain`](Self::plain) rather than by the reader: what turns the
    /// reader's offsets into offsets in the document.
    base: u64,
    /// Whether [`plain`](Self::plain) may read: the reader stands between two marks (as
    /// it does after every token, and after a declaration passed over in its plainest
    /// form) and no reading failed. Before that the reader stands at the start of the
    /// document, where quick-xml looks for a byte order mark; after an error it may stand
    /// anywhere (inside markup, say), so only quick-xml reads on.
    plain_ok: bool,
    /// Whether reading failed.
    failed: bool,
    /// Whether quick-xml has read nothing yet: it then starts by passing over a byte
    /// order mark (see [`first_step`](Self::first_step)).
    reader_fresh: bool,
    /// Whether [`plain`](Self::plain) runs at all; the tests compare both ways of reading.
    #[cfg(test)]
    plain_on: bool,
    /// How many names quick-xml's own record of open elements holds: one more for each
    /// start tag it reads, one fewer (if any) for each end tag. The tests check it never
    /// exceeds the open elements.
    #[cfg(test)]
    reader_record: usize,
}

/// How much character data [`Tokenizer::plain`] looks through for the end tag after it;
/// longer text is read by quick-xml.
const TEXT_WINDOW: usize = 128;

/// How far [`Tokenizer::plain`] looks for the `>` of a start tag: `<`, a name of 2 to 16
/// bytes, `/` and `>` fit in three words.
const TAG_WINDOW: usize = 24;

/// A start tag that is exactly `<name>` or `<name/>` for an XML-RPC name, at the start of
/// `b`: the element, whether the tag is empty, and the tag's length.
#[inline(always)]
fn plain_start(b: &[u8]) -> Option<(Tag, bool, usize)> {
    let [b'<', b'a'..=b'z', ..] = b else {
        return None;
    };
    let gt = find_either(b, b'>', b'>', TAG_WINDOW)?;
    let (name, empty) = match b.get(1..gt)? {
        [name @ .., b'/'] => (name, true),
        name => (name, false),
    };
    Some((Tag::from_local(name)?, empty, gt + 1))
}

/// The encodings a declaration may name (in any case): the document is read as UTF-8.
const READ_ENCODINGS: [&[u8]; 4] = [b"utf-8", b"utf8", b"us-ascii", b"ascii"];

/// An XML declaration in its plainest forms at the start of `doc`, `<?xml version='1.0'?>`
/// (Python's), or with double quotes, or with ` encoding='UTF-8'` (or another name of
/// [`READ_ENCODINGS`]) after the version (xmlrpc-c's, Apache's, Perl's): what follows it.
/// `None` for any other form, which quick-xml reads.
#[inline]
fn plain_declaration(doc: &[u8]) -> Option<&[u8]> {
    let [q @ (b'\'' | b'"'), b'1', b'.', b'0', close, rest @ ..] =
        doc.strip_prefix(b"<?xml version=")?
    else {
        return None;
    };
    if close != q {
        return None;
    }
    if let Some(after) = rest.strip_prefix(b"?>") {
        return Some(after);
    }
    let [q @ (b'\'' | b'"'), named @ ..] = rest.strip_prefix(b" encoding=")? else {
        return None;
    };
    let end = named.iter().take(16).position(|c| c == q)?;
    if !READ_ENCODINGS
        .iter()
        .any(|n| named[..end].eq_ignore_ascii_case(n))
    {
        return None;
    }
    named[end + 1..].strip_prefix(b"?>")
}

/// The length of the end tag `</name>` of `tag` if `b` starts with exactly that.
#[inline(always)]
fn plain_end(b: &[u8], tag: Tag) -> Option<usize> {
    let len = TAG_WORDS[tag as usize].0 + 3;
    match b.get(..len)? {
        [b'<', b'/', name @ .., b'>'] if tag.is_named(name) => Some(len),
        _ => None,
    }
}

/// What follows the start tag of `tag` if `b` starts with exactly `<name>`: the name is
/// compared, not looked up.
#[inline(always)]
fn plain_start_of(b: &[u8], tag: Tag) -> Option<&[u8]> {
    let len = TAG_WORDS[tag as usize].0 + 2;
    match b.get(..len)? {
        [b'<', name @ .., b'>'] if tag.is_named(name) => b.get(len..),
        _ => None,
    }
}

/// Text with no reference (up to [`TEXT_WINDOW`] bytes) at the start of `b`, followed by
/// exactly the end tag of `tag`: the text, the end tag with what follows, and what
/// follows the end tag.
#[inline(always)]
fn plain_text(b: &[u8], tag: Tag) -> Option<(&[u8], &[u8], &[u8])> {
    let n = find_either(b, b'<', b'&', TEXT_WINDOW)?;
    let end = b.get(n..)?;
    Some((b.get(..n)?, end, end.get(plain_end(end, tag)?..)?))
}

/// A 1 in every byte of a word.
const ONES: u64 = u64::MAX / 255;
/// The high bit of every byte of a word.
const HIGH: u64 = ONES << 7;

/// The bytes of `v` that are 0 with their high bit set, and perhaps bytes after the first
/// of them (a borrow runs on from a 0 byte), never bytes before it: the lowest bit set is
/// exact.
#[inline(always)]
const fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(ONES) & !v & HIGH
}

/// The first byte of `b` equal to `x` or `y`, looked for eight bytes at a time in the
/// first `window` bytes (rounded up to a multiple of 8).
#[inline(always)]
fn find_either(b: &[u8], x: u8, y: u8, window: usize) -> Option<usize> {
    let mut at = 0;
    while at < window {
        let rest = b.get(at..)?;
        let Some(w) = rest.first_chunk::<8>() else {
            return rest.iter().position(|&c| c == x || c == y).map(|i| at + i);
        };
        let w = u64::from_le_bytes(*w);
        let hit = zero_bytes(w ^ (ONES * u64::from(x))) | zero_bytes(w ^ (ONES * u64::from(y)));
        if hit != 0 {
            return Some(at + (hit.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    None
}

#[inline]
pub(crate) fn is_xml_ws(s: &[u8]) -> bool {
    s.iter().all(|&b| quick_xml::utils::is_whitespace(b))
}

/// The XML 1.0 `Char` production.
#[inline]
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Checks raw text (already valid UTF-8) against the XML 1.0 `Char` production; returns
/// whether it holds a CR that end-of-line normalisation must replace. Short text, most of
/// it, is settled here in line; longer text out of line.
#[inline(always)]
fn scan_raw(b: &[u8]) -> std::result::Result<bool, &'static str> {
    if b.len() < 16 {
        return if short_suspect(b) {
            scan_slow(b)
        } else {
            Ok(false)
        };
    }
    scan_long(b)
}

/// [`scan_raw`] for text of 16 bytes or more: a fast pass without early exit per byte, so
/// it vectorises, for any byte that needs a closer look (a control other than TAB and LF,
/// or the lead byte 0xEF); then [`scan_slow`] if there is one.
#[inline(never)]
fn scan_long(b: &[u8]) -> std::result::Result<bool, &'static str> {
    let mut suspect = false;
    for chunk in b.chunks(64) {
        let mut f = false;
        for &c in chunk {
            f |= ((c < 0x20) & (c != b'\t') & (c != b'\n')) | (c == 0xEF);
        }
        if f {
            suspect = true;
            break;
        }
    }
    if !suspect {
        return Ok(false);
    }
    scan_slow(b)
}

/// Whether a word holds a byte below 0x20 (a control character; TAB and LF too) or the
/// byte 0xEF (which starts U+FFFE and U+FFFF): then its text needs a closer look. A borrow
/// between bytes happens only past a byte that is flagged already, so the test is exact.
#[inline(always)]
fn word_suspect(w: u64) -> bool {
    (w.wrapping_sub(ONES * 0x20) & !w & HIGH) | zero_bytes(w ^ (ONES * 0xEF)) != 0
}

/// [`word_suspect`] for text shorter than 16 bytes: two overlapping words (or, below 4
/// bytes, one word of its bytes and filler) cover every byte, with no loop.
#[inline(always)]
fn short_suspect(b: &[u8]) -> bool {
    // A chunk that is missing (it cannot be, given the lengths) reads as 0: suspect.
    let w4 = |at: usize| {
        b[at..]
            .first_chunk()
            .map_or(0, |c| u64::from(u32::from_le_bytes(*c)))
    };
    let w8 = |at: usize| b[at..].first_chunk().map_or(0, |c| u64::from_le_bytes(*c));
    match b.len() {
        0 => false,
        n @ 1..=3 => word_suspect(u64::from_le_bytes([
            b[0],
            b[n / 2],
            b[n - 1],
            b'A',
            b'A',
            b'A',
            b'A',
            b'A',
        ])),
        n @ 4..=7 => word_suspect(w4(0) | w4(n - 4) << 32),
        n => word_suspect(w8(0)) | word_suspect(w8(n - 8)),
    }
}

#[cold]
fn scan_slow(b: &[u8]) -> std::result::Result<bool, &'static str> {
    let mut cr = false;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\r' => cr = true,
            b'\t' | b'\n' => {}
            0..=0x1F => return Err("a control character XML does not allow"),
            // U+FFFE is EF BF BE, U+FFFF is EF BF BF.
            0xEF if b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)) => {
                return Err("the non-character U+FFFE or U+FFFF");
            }
            _ => {}
        }
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

/// The open elements: the first few in place (every message holds them), deeper ones on
/// the heap, so reading a typical message allocates nothing for them. Each is marked with
/// whether quick-xml read its start tag: quick-xml then keeps its name until it reads the
/// end tag itself (it records every start tag it reads), so `plain` leaves that end tag to
/// it, and quick-xml's record stays as deep as the document.
#[derive(Default)]
struct TagStack {
    len: usize,
    /// Each element with whether quick-xml read its start tag.
    inline: [Option<(Tag, bool)>; INLINE_DEPTH],
    deeper: Vec<(Tag, bool)>,
}

/// Elements a [`TagStack`] holds in place: a call with values nested 7 deep.
const INLINE_DEPTH: usize = 24;

impl TagStack {
    /// Opens `tag`, whose start tag quick-xml read if `read`.
    #[inline]
    fn push(&mut self, tag: Tag, read: bool) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = Some((tag, read)),
            None => self.deeper.push((tag, read)),
        }
        self.len += 1;
    }

    /// The innermost element, and whether quick-xml read its start tag.
    #[inline]
    fn top(&self) -> Option<(Tag, bool)> {
        let i = self.len.checked_sub(1)?;
        match self.inline.get(i) {
            Some(slot) => *slot,
            None => self.deeper.last().copied(),
        }
    }

    #[inline]
    fn pop(&mut self) -> Option<Tag> {
        let (tag, _) = self.top()?;
        if self.len > INLINE_DEPTH {
            self.deeper.pop();
        }
        self.len -= 1;
        Some(tag)
    }

    #[inline]
    fn last(&self) -> Option<Tag> {
        self.top().map(|(tag, _)| tag)
    }

    /// Whether quick-xml read the start tag of the innermost element, so that it reads
    /// its end tag too. Every element with a namespace prefix is one of them, so its end
    /// tag is checked against its written name, by [`Tokenizer::step`].
    #[inline]
    fn last_read(&self) -> bool {
        self.top().is_some_and(|(_, read)| read)
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// What one quick-xml event means to the tokenizer.
#[derive(Clone, Copy)]
enum Step {
    /// A mark to return.
    Mark(Mark),
    /// Character data, put in (or appended to) `Tokenizer::text`.
    Piece,
    /// Nothing: a comment, whitespace outside the root.
    Skip,
    /// The XML declaration, which is passed over; after it, quick-xml stands between two
    /// marks, where [`Tokenizer::plain`] may read on.
    Declaration,
}

#[cold]
fn syntax(msg: impl Into<String>, at: u64) -> Error {
    Error::new(ErrorKind::Syntax, msg).at_offset(at)
}

/// Bytes from the document shown in an error message: at most 64 bytes of them.
#[cold]
fn shown(b: &[u8]) -> String {
    crate::de::truncate(&String::from_utf8_lossy(b), 64).to_owned()
}

/// Text that is not a slice of the document the reader was given. quick-xml's reader over
/// a byte slice hands out nothing else; should a release do so, the text is refused
/// rather than read unchecked.
#[cold]
fn outside_document(start: u64) -> Error {
    syntax(
        "malformed XML: text that is not part of the document",
        start,
    )
}

impl<'a> Tokenizer<'a> {
    pub(crate) fn new(xml: &'a [u8]) -> Self {
        // One check of the whole document (vectorised, a small fraction of a walk) instead
        // of one per event.
        // A document that is not UTF-8 is read up to its first invalid byte, so that what
        // comes before it (a declaration naming another encoding, say) is reported first.
        // simdutf8's fastest check says only whether it is; the standard one then says
        // where it is not (and its verdict stands, should the two ever disagree).
        let checked = match simdutf8::basic::from_utf8(xml) {
            Ok(doc) => Ok(doc),
            Err(_) => std::str::from_utf8(xml),
        };
        let (doc, not_utf8) = match checked {
            Ok(doc) => (doc, None),
            // The part before `valid_up_to` is UTF-8 by its definition.
            Err(e) => (
                std::str::from_utf8(&xml[..e.valid_up_to()]).unwrap_or(""),
                Some(e),
            ),
        };
        #[cfg(test)]
        let plain_on = tests::PLAIN.get();
        #[cfg(not(test))]
        let plain_on = true;
        // The declaration in its plainest form is passed over here, where quick-xml would
        // read an event for it; plain markup may follow, and blanks before the root.
        let all = doc.as_bytes();
        let after_declaration = plain_on.then(|| plain_declaration(all)).flatten();
        let start = after_declaration.unwrap_or(all);
        let mut reader = Reader::from_reader(start);
        let c = reader.config_mut();
        // End tags are checked here against the element stack, for the tags quick-xml
        // reads and for those `plain` reads: quick-xml's own record of open elements
        // misses the latter, so it must neither compare end names nor refuse an end tag
        // it has no start for.
        c.check_end_names = false;
        c.allow_unmatched_ends = true;
        c.check_comments = true;
        c.allow_dangling_amp = false;
        c.expand_empty_elements = false;
        c.trim_text(false);
        // Whitespace after the name of an end tag (`</value >`) is trimmed in `check_end`.
        c.trim_markup_names_in_closing_tags = false;
        c.trim_text_start = after_declaration.is_some();
        Tokenizer {
            reader,
            doc,
            not_utf8,
            peeked: None,
            text: Cow::Borrowed(""),
            merging: false,
            step_pos: 0,
            stack: TagStack::default(),
            prefixed: Vec::new(),
            root_seen: false,
            pos: 0,
            base: (all.len() - start.len()) as u64,
            plain_ok: after_declaration.is_some(),
            failed: false,
            reader_fresh: true,
            #[cfg(test)]
            plain_on,
            #[cfg(test)]
            reader_record: 0,
        }
    }

    /// The offset in the document of what the reader reads next.
    #[inline(always)]
    fn offset(&self) -> u64 {
        self.base + self.reader.buffer_position()
    }

    /// The byte offset of the token returned last.
    #[inline]
    pub(crate) fn pos(&self) -> u64 {
        self.pos
    }

    /// The next token.
    #[inline]
    pub(crate) fn next(&mut self) -> Result<Tok> {
        if let Some((m, pos)) = self.peeked.take() {
            self.pos = pos;
            return Ok(Tok::Mark(m));
        }
        self.read()
    }

    /// The text of the [`Tok::Text`] returned last.
    #[inline]
    pub(crate) fn take_text(&mut self) -> Cow<'a, str> {
        std::mem::replace(&mut self.text, Cow::Borrowed(""))
    }

    /// The text of the [`Tok::Text`] returned last, left in place.
    #[inline]
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Empties the text, for elements without character data.
    #[inline]
    pub(crate) fn clear_text(&mut self) {
        self.text = Cow::Borrowed("");
    }

    /// The next token that is not whitespace text; other text is an error, as it stands
    /// where only elements belong.
    #[inline]
    pub(crate) fn next_mark(&mut self) -> Result<Mark> {
        loop {
            match self.next()? {
                Tok::Mark(m) => return Ok(m),
                Tok::Text => self.check_ws()?,
            }
        }
    }

    /// Like [`next_mark`](Self::next_mark) without consuming the mark.
    #[inline]
    pub(crate) fn peek_mark(&mut self) -> Result<Mark> {
        if let Some((m, _)) = self.peeked {
            return Ok(m);
        }
        let m = self.next_mark()?;
        self.peeked = Some((m, self.pos));
        Ok(m)
    }

    #[inline]
    fn check_ws(&self) -> Result<()> {
        if is_xml_ws(self.text.as_bytes()) {
            Ok(())
        } else {
            Err(self.text_misplaced())
        }
    }

    #[cold]
    fn text_misplaced(&self) -> Error {
        Error::new(
            ErrorKind::Invalid,
            "text where XML-RPC allows only elements",
        )
        .at_offset(self.pos)
    }

    /// Checks the document ends here: nothing but whitespace and comments follow.
    pub(crate) fn expect_eof(&mut self) -> Result<()> {
        match self.next_mark()? {
            Mark::Eof => Ok(()),
            other => Err(Error::new(
                ErrorKind::Invalid,
                format!(
                    "expected the end of the document, found {}",
                    other.describe()
                ),
            )
            .at_offset(self.pos)),
        }
    }

    #[cold]
    fn xml_error(&self, e: quick_xml::Error) -> Error {
        if let Some(cut) = self.cut_error() {
            return cut;
        }
        Error::new(ErrorKind::Syntax, format!("malformed XML: {e}"))
            .at_offset(self.base + self.reader.error_position())
            .with_source(e)
    }

    /// Reads the next event and classifies it. This is the one place that reads events.
    #[inline(always)]
    fn step(&mut self) -> Result<Step> {
        let start = self.offset();
        self.step_pos = start;
        let result = self.reader.read_event();
        let step = match result {
            Ok(Event::Start(e)) => {
                let (tag, prefixed) = self.start_tag(&e, start)?;
                self.stack.push(tag, true);
                #[cfg(test)]
                {
                    self.reader_record += 1;
                }
                if prefixed {
                    self.keep_prefixed(&e, start)?;
                }
                self.skip_blanks(tag.is_structural());
                Step::Mark(Mark::Start(tag))
            }
            Ok(Event::End(e)) => {
                #[cfg(test)]
                {
                    self.reader_record = self.reader_record.saturating_sub(1);
                }
                let depth = self.stack.len;
                let tag = self
                    .stack
                    .pop()
                    .ok_or_else(|| syntax("an unmatched end tag", start))?;
                let name: &[u8] = &e;
                let written = match self.prefixed.last() {
                    Some(&(d, written)) if d == depth => {
                        self.prefixed.pop();
                        Some(written)
                    }
                    _ => None,
                };
                if written.is_some() || !tag.is_named(name) {
                    check_end(name, tag, written, start)?;
                }
                self.skip_blanks(self.stack.last().is_none_or(|t| t.is_structural()));
                Step::Mark(Mark::End(tag))
            }
            Ok(Event::Text(t)) => match t.into_inner() {
                // The usual text: all of an element's character data, in one piece.
                Cow::Borrowed(b)
                    if !self.merging && self.stack.last().is_some_and(|t| !t.is_structural()) =>
                {
                    self.text = self.doc_text(Cow::Borrowed(b), start)?;
                    Step::Piece
                }
                raw => self.text_event(raw, start)?,
            },
            Ok(Event::Empty(e)) => {
                let (tag, _) = self.start_tag(&e, start)?;
                Step::Mark(Mark::Empty(tag))
            }
            // Each event takes at least one byte, so only the first starts at 0.
            Ok(other) => self.rare_event(other, start, start == 0)?,
            Err(e) => return Err(self.xml_error(e)),
        };
        Ok(step)
    }

    /// quick-xml's first event. quick-xml passes over a byte order mark at the start of
    /// what it reads first, as it should at the start of the document. When plain markup
    /// was read before (see [`plain_declaration`]) it starts further on, where a byte
    /// order mark is a character: the text it starts, up to the next markup or reference,
    /// is taken here as quick-xml would read it there.
    #[cold]
    fn first_step(&mut self) -> Result<Step> {
        self.reader_fresh = false;
        let rest: &'a [u8] = self.reader.get_ref();
        if self.base == 0 || !rest.starts_with("\u{FEFF}".as_bytes()) {
            return self.step();
        }
        let len = rest
            .iter()
            .position(|&b| b == b'<' || b == b'&')
            .unwrap_or(rest.len());
        let start = self.offset();
        self.step_pos = start;
        // Taken whether or not it is an error, as quick-xml would have read it.
        self.advance(rest, &rest[len..]);
        self.text_event(Cow::Borrowed(&rest[..len]), start)
    }

    /// Character data: dropped where only elements belong and it is blank, checked and
    /// kept (borrowed when it needs no change) anywhere else. Out of line, so that the
    /// marks, three times as frequent, take the short path through [`step`](Self::step).
    #[inline(never)]
    fn text_event(&mut self, t: Cow<'a, [u8]>, start: u64) -> Result<Step> {
        match self.stack.last() {
            None => {
                if !is_xml_ws(&t) {
                    return Err(syntax("text outside the root element", start));
                }
                return Ok(Step::Skip);
            }
            // Blank text where only elements belong (quick-xml already skips most of it,
            // see `skip_blanks`; an empty text before a reference still arrives here) is
            // dropped; other text is checked for its characters first, so a syntax error
            // wins.
            Some(top) if top.is_structural() && is_xml_ws(&t) => return Ok(Step::Skip),
            _ => {}
        }
        let piece = self.doc_text(t, start)?;
        self.put_text(piece);
        Ok(Step::Piece)
    }

    /// The error of a document that is not UTF-8, once the reader has read all of it up to
    /// the first invalid byte: the end it reached, or the error it found there (a tag cut
    /// short, say), is where that byte stands.
    #[cold]
    fn cut_error(&self) -> Option<Error> {
        let e = self.not_utf8?;
        // quick-xml drops a byte order mark without counting it: offsets start after it,
        // this one too.
        let bom = if self.doc.starts_with('\u{FEFF}') {
            3
        } else {
            0
        };
        let at = (e.valid_up_to() - bom) as u64;
        // (quick-xml counts a construct cut short as read to the end of its input.)
        (self.offset() >= at).then(|| {
            syntax(format!("malformed XML: invalid UTF-8 at byte {at}"), at).with_source(e)
        })
    }

    /// Character data as quick-xml hands it out, as text: the slice of the document it
    /// covers, checked by [`raw_piece`]. Always in line: the usual text of [`step`](Self::step)
    /// comes here.
    #[inline(always)]
    fn doc_text(&self, raw: Cow<'a, [u8]>, start: u64) -> Result<Cow<'a, str>> {
        let Cow::Borrowed(b) = raw else {
            return Err(outside_document(start));
        };
        let text = self.doc_slice(b).ok_or_else(|| outside_document(start))?;
        raw_piece(Cow::Borrowed(text), start)
    }

    /// The text of `b`, a slice of the document: its place found from its address, so no
    /// second UTF-8 check.
    #[inline]
    fn doc_slice(&self, b: &[u8]) -> Option<&'a str> {
        let at = (b.as_ptr() as usize).wrapping_sub(self.doc.as_ptr() as usize);
        self.doc.get(at..at.checked_add(b.len())?)
    }

    /// Tells quick-xml whether the text it reads next may start with whitespace that
    /// nobody needs: in an element that holds only elements, or outside the root, blank
    /// text between two marks then produces no event at all, and text that is not blank
    /// still comes (without its leading whitespace) to be reported as misplaced. In an
    /// element with character data every character is kept.
    #[inline]
    fn skip_blanks(&mut self, skip: bool) {
        self.reader.config_mut().trim_text_start = skip;
    }

    /// The events an XML-RPC message rarely or never holds.
    #[cold]
    fn rare_event(&mut self, event: Event<'a>, start: u64, first: bool) -> Result<Step> {
        Ok(match event {
            Event::Eof => {
                if let Some(cut) = self.cut_error() {
                    return Err(cut);
                }
                if !self.stack.is_empty() {
                    return Err(syntax("the document ends inside an element", start));
                }
                if !self.root_seen {
                    return Err(syntax("the document has no root element", start));
                }
                Step::Mark(Mark::Eof)
            }
            Event::CData(c) => {
                if self.stack.is_empty() {
                    return Err(syntax("CDATA outside the root element", start));
                }
                let piece = self.doc_text(c.into_inner(), start)?;
                self.put_text(piece);
                Step::Piece
            }
            Event::GeneralRef(r) => {
                if self.stack.is_empty() {
                    return Err(syntax("a reference outside the root element", start));
                }
                let c = Self::resolve(&r, start)?;
                if self.merging {
                    self.text_mut().push(c);
                } else {
                    self.text = Cow::Owned(c.to_string());
                }
                Step::Piece
            }
            Event::Comment(c) => {
                scan_raw(&c).map_err(|m| syntax(format!("{m} in a comment"), start))?;
                Step::Skip
            }
            Event::Decl(d) => {
                if !first {
                    return Err(syntax(
                        "an XML declaration that is not at the start of the document",
                        start,
                    ));
                }
                // The declaration is the first event: from here on, outside the root,
                // whitespace needs no event.
                self.skip_blanks(true);
                // Most declarations name no encoding (Python's is `<?xml version='1.0'?>`):
                // their attributes need no parsing.
                let named = crate::de::encoding::find_encoding(&d).is_some();
                if let Some(enc) = named.then(|| d.encoding()).flatten() {
                    let enc =
                        enc.map_err(|e| syntax(format!("malformed XML declaration: {e}"), start))?;
                    let ok = READ_ENCODINGS.iter().any(|n| enc.eq_ignore_ascii_case(n));
                    if !ok {
                        return Err(syntax(
                            format!("unsupported encoding `{}`: only UTF-8 is read", shown(&enc)),
                            start,
                        ));
                    }
                }
                Step::Declaration
            }
            Event::PI(_) => return Err(syntax("processing instructions are not allowed", start)),
            Event::DocType(_) => return Err(syntax("a DOCTYPE is not allowed", start)),
            Event::Start(_) | Event::End(_) | Event::Empty(_) | Event::Text(_) => {
                return Err(syntax("unexpected event", start));
            }
        })
    }

    /// Reads the next token: markup in its plainest form read by [`plain`](Self::plain),
    /// or from quick-xml's events a mark or all the character data up to the next mark
    /// (which is kept as the peeked one).
    #[inline(always)]
    fn read(&mut self) -> Result<Tok> {
        if self.plain_ok
            && let Some(tok) = self.plain()
        {
            return Ok(tok);
        }
        self.read_by_events()
    }

    /// [`read`](Self::read) where plain markup stops: quick-xml reads.
    #[inline(never)]
    fn read_by_events(&mut self) -> Result<Tok> {
        loop {
            match self.read_events() {
                Ok(Some(tok)) => {
                    self.plain_ok = !self.failed && self.plain_on();
                    return Ok(tok);
                }
                // The declaration, which plain markup may follow.
                Ok(None) => {
                    self.plain_ok = !self.failed && self.plain_on();
                    if self.plain_ok
                        && let Some(tok) = self.plain()
                    {
                        return Ok(tok);
                    }
                }
                Err(e) => {
                    self.failed = true;
                    self.plain_ok = false;
                    return Err(e);
                }
            }
        }
    }

    /// [`read`](Self::read) through quick-xml's events: a token, or `None` right after
    /// the XML declaration.
    fn read_events(&mut self) -> Result<Option<Tok>> {
        self.merging = false;
        loop {
            let step = if self.reader_fresh {
                self.first_step()?
            } else {
                self.step()?
            };
            match step {
                Step::Mark(m) if !self.merging => {
                    self.pos = self.step_pos;
                    return Ok(Some(Tok::Mark(m)));
                }
                Step::Mark(m) => {
                    self.peeked = Some((m, self.step_pos));
                    return Ok(Some(Tok::Text));
                }
                Step::Piece if !self.merging => {
                    self.pos = self.step_pos;
                    self.merging = true;
                }
                Step::Declaration if !self.merging => return Ok(None),
                Step::Piece | Step::Skip | Step::Declaration => {}
            }
        }
    }

    /// Whether [`plain`](Self::plain) runs: always, but in the tests that compare it with
    /// reading by events alone.
    #[inline(always)]
    fn plain_on(&self) -> bool {
        #[cfg(test)]
        return self.plain_on;
        #[cfg(not(test))]
        true
    }

    /// One token of markup in its plainest form, read by comparing bytes where quick-xml
    /// would read an event (or two): a start tag that is exactly `<name>` or `<name/>` for
    /// an XML-RPC name, the exact end tag `</name>` of the innermost element (unless
    /// quick-xml read its start tag), text with no reference, up to [`TEXT_WINDOW`] bytes,
    /// followed by that end tag (the end tag is then the peeked mark, as quick-xml's
    /// reading keeps it), or the end of the document after the root; blank text before
    /// it is passed over where quick-xml would pass over it. Anything else is `None`,
    /// and quick-xml reads it from where it starts. The tokens, texts and offsets are
    /// those quick-xml's events give.
    #[inline]
    fn plain(&mut self) -> Option<Tok> {
        let (rest, b, skip) = self.after_blanks();
        let top = self.stack.last();
        // A token's offset is where the reader stood before it, blanks included, as for
        // an event.
        let start = self.offset();
        match b {
            [b'<', b'/', ..] => {
                let tag = top?;
                self.close_plain(rest, b, start, tag)
                    .then_some(Tok::Mark(Mark::End(tag)))
            }
            [b'<', ..] => {
                let (tag, empty, len) = plain_start(b)?;
                let after = b.get(len..)?;
                if top.is_none() {
                    if self.root_seen {
                        return None;
                    }
                    self.root_seen = true;
                }
                if empty {
                    self.advance(rest, after);
                    self.pos = start;
                    return Some(Tok::Mark(Mark::Empty(tag)));
                }
                self.open_plain(rest, after, start, tag);
                Some(Tok::Mark(Mark::Start(tag)))
            }
            [] => {
                if top.is_some() || !self.root_seen || self.not_utf8.is_some() {
                    return None;
                }
                self.advance(rest, b);
                self.pos = start;
                Some(Tok::Mark(Mark::Eof))
            }
            _ => {
                let tag = top?;
                if skip || self.stack.last_read() {
                    return None;
                }
                let (text, end, after) = plain_text(b, tag)?;
                let text = self.plain_piece(text, start)?;
                self.close(rest, after);
                self.text = text;
                self.pos = start;
                self.peeked = Some((Mark::End(tag), start + (rest.len() - end.len()) as u64));
                Some(Tok::Text)
            }
        }
    }

    /// The reader's bytes, those after the blank text quick-xml would pass over there (see
    /// [`skip_blanks`](Self::skip_blanks)), and whether it would.
    #[inline(always)]
    fn after_blanks(&self) -> (&'a [u8], &'a [u8], bool) {
        let rest: &'a [u8] = self.reader.get_ref();
        if !self.reader.config().trim_text_start {
            return (rest, rest, false);
        }
        let blank = rest
            .iter()
            .take_while(|&&b| quick_xml::utils::is_whitespace(b))
            .count();
        (rest, &rest[blank..], true)
    }

    /// Whether the readers of plain markup that the deserializer calls may read: as
    /// [`plain`](Self::plain), with nothing peeked, inside the root.
    #[inline(always)]
    fn plain_ready(&self) -> bool {
        self.plain_ok && self.peeked.is_none() && !self.stack.is_empty()
    }

    /// Raw text of the document as character data, when it needs no error: text with a
    /// character XML forbids is left to quick-xml, so that the error comes where reading
    /// by events reports it.
    #[inline(always)]
    fn plain_piece(&self, raw: &[u8], start: u64) -> Option<Cow<'a, str>> {
        raw_piece(Cow::Borrowed(self.doc_slice(raw)?), start).ok()
    }

    /// Opens `tag`, whose plain start tag (at `start`) ends where `after` starts.
    #[inline(always)]
    fn open_plain(&mut self, rest: &'a [u8], after: &'a [u8], start: u64, tag: Tag) {
        self.advance(rest, after);
        self.stack.push(tag, false);
        self.skip_blanks(tag.is_structural());
        self.pos = start;
    }

    /// Closes the innermost element, `tag`, if `b` (at `start`) starts with exactly its
    /// end tag and quick-xml did not read its start tag.
    #[inline(always)]
    fn close_plain(&mut self, rest: &'a [u8], b: &'a [u8], start: u64, tag: Tag) -> bool {
        if self.stack.last_read() {
            return false;
        }
        let Some(after) = plain_end(b, tag).and_then(|n| b.get(n..)) else {
            return false;
        };
        self.close(rest, after);
        self.pos = start;
        true
    }

    /// Reads the start tag of `tag` if it comes next in its plainest form (exactly
    /// `<name>`), as [`plain`](Self::plain) reads it: `true` with the state as after
    /// reading it as a token, `false` with nothing read. Cheaper than a token: the name is
    /// compared, not looked up.
    ///
    /// Always in line in builds without debug assertions (release builds). Not in builds
    /// with them (unoptimised test builds), where each body in line adds to the frame of
    /// every recursive reader that reads a tag and the test of deep nesting on a small
    /// stack runs.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn plain_open(&mut self, tag: Tag) -> bool {
        if !self.plain_ready() {
            return false;
        }
        let (rest, b, _) = self.after_blanks();
        let start = self.offset();
        let Some(after) = plain_start_of(b, tag) else {
            return false;
        };
        self.open_plain(rest, after, start, tag);
        true
    }

    /// Reads the end tag of `tag` if it comes next in its plainest form (exactly
    /// `</name>`) and closes the innermost element (unless quick-xml read its start tag), as
    /// [`plain_open`](Self::plain_open) reads a start tag (and is in line where it is).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn plain_close(&mut self, tag: Tag) -> bool {
        if self.stack.last() != Some(tag) || !self.plain_ready() {
            return false;
        }
        let (rest, b, _) = self.after_blanks();
        let start = self.offset();
        self.close_plain(rest, b, start, tag)
    }

    /// Whether the start tag of `tag` comes next in its plainest form, as
    /// [`plain_open`](Self::plain_open) would read it; nothing is read.
    #[inline]
    pub(crate) fn plain_sees(&self, tag: Tag) -> bool {
        self.plain_ready() && plain_start_of(self.after_blanks().1, tag).is_some()
    }

    /// A whole element that holds text, `<name>id</name>`, read at once where reading
    /// token by token takes three tokens (two if it is empty): after blanks in an element
    /// that holds only elements, exactly the start tag of `tag`, text with no reference,
    /// and exactly its end tag. Leaves the text as the text of the last token, and the
    /// offset, the open elements and the reader as those tokens would. Anything else is
    /// `false`, with nothing read.
    #[inline]
    pub(crate) fn plain_leaf(&mut self, tag: Tag) -> bool {
        if !self.plain_ready() {
            return false;
        }
        let (rest, b, skip) = self.after_blanks();
        let start = self.offset();
        let Some((text, end, after)) = plain_start_of(b, tag)
            .filter(|_| skip)
            .and_then(|body| plain_text(body, tag))
        else {
            return false;
        };
        let Some(text) = self.plain_piece(text, start) else {
            return false;
        };
        self.pos = start + (rest.len() - end.len()) as u64;
        self.advance(rest, after);
        self.text = text;
        true
    }

    /// A scalar `<value>` in its plainest form, read at once where reading token by token
    /// takes four tokens (three for an untyped value): after blanks in an element that
    /// holds only elements, the exact tag `<value>`, then either a type element whose tag
    /// passes `typed` (exactly `<int>`, text with no reference, exactly `</int>`), after
    /// which the `<value>` stays open for its end tag to be read as any other, or, if
    /// `untyped`, text with no reference and exactly `</value>`. Gives the type (`None`
    /// for an untyped value) and the offset of the type element (of the `<value>` for an
    /// untyped value); leaves the text as the text of the last token, and the offset, the
    /// open elements and the reader as those tokens would. Anything else is `None`, with
    /// nothing read.
    #[inline]
    pub(crate) fn plain_value(
        &mut self,
        typed: fn(Tag) -> bool,
        untyped: bool,
    ) -> Option<(Option<Tag>, u64)> {
        // A `<value>` that is the root is read token by token.
        if !self.plain_ready() {
            return None;
        }
        let (rest, b, skip) = self.after_blanks();
        if !skip {
            return None;
        }
        let body = plain_start_of(b, Tag::Value)?;
        let start = self.offset();
        let body_at = start + (rest.len() - body.len()) as u64;
        // The type (if any), the text, where the last token read (an end tag) starts, and
        // what follows it.
        let (tag, (text, end, after)) = match plain_start(body) {
            Some((tag, false, len)) if typed(tag) => {
                (Some(tag), plain_text(body.get(len..)?, tag)?)
            }
            // Text (perhaps none) and the value's end tag.
            _ if untyped => (None, plain_text(body, Tag::Value)?),
            _ => return None,
        };
        let text = self.plain_piece(text, start)?;
        self.pos = start + (rest.len() - end.len()) as u64;
        self.advance(rest, after);
        self.text = text;
        if tag.is_some() {
            self.stack.push(Tag::Value, false);
            // Inside the `<value>`, which holds character data: every character counts.
            self.skip_blanks(false);
            return Some((tag, body_at));
        }
        Some((None, start))
    }

    /// Moves the reader from `rest`, where it stands, to `after`, a suffix of it.
    #[inline(always)]
    fn advance(&mut self, rest: &'a [u8], after: &'a [u8]) {
        self.base += (rest.len() - after.len()) as u64;
        *self.reader.get_mut() = after;
    }

    /// [`advance`](Self::advance) past the end tag of the innermost element, which closes.
    #[inline(always)]
    fn close(&mut self, rest: &'a [u8], after: &'a [u8]) {
        self.stack.pop();
        self.advance(rest, after);
        self.skip_blanks(self.stack.last().is_none_or(|t| t.is_structural()));
    }

    /// The text as a string to append to; the first append leaves room for a few more
    /// pieces, as text split by references usually has several.
    #[inline]
    fn text_mut(&mut self) -> &mut String {
        if let Cow::Borrowed(b) = self.text {
            let mut s = String::with_capacity(b.len() * 2 + 16);
            s.push_str(b);
            self.text = Cow::Owned(s);
        }
        self.text.to_mut()
    }

    /// Starts or continues the text with a piece of character data.
    #[inline]
    fn put_text(&mut self, piece: Cow<'a, str>) {
        if self.merging {
            self.text_mut().push_str(&piece);
        } else {
            self.text = piece;
        }
    }

    fn resolve(r: &BytesRef<'_>, start: u64) -> Result<char> {
        let name: &[u8] = r;
        if name.starts_with(b"#") {
            match r.resolve_char_ref() {
                Ok(Some(c)) if is_xml_char(c) => Ok(c),
                Ok(_) => Err(syntax(
                    format!(
                        "the character reference `&{};` is not an XML character",
                        shown(name)
                    ),
                    start,
                )),
                Err(e) => Err(syntax(
                    format!("invalid character reference `&{};`: {e}", shown(name)),
                    start,
                )),
            }
        } else {
            match name {
                b"lt" => Ok('<'),
                b"gt" => Ok('>'),
                b"amp" => Ok('&'),
                b"apos" => Ok('\''),
                b"quot" => Ok('"'),
                _ => Err(syntax(
                    format!("undefined entity `&{};`", shown(name)),
                    start,
                )),
            }
        }
    }

    /// The tag of a start or empty element, and whether its name has a namespace prefix;
    /// checks its attributes and the root rules.
    #[inline]
    fn start_tag(&mut self, e: &BytesStart<'_>, start: u64) -> Result<(Tag, bool)> {
        if self.stack.is_empty() {
            if self.root_seen {
                return Err(syntax("more than one root element", start));
            }
            self.root_seen = true;
        }
        // The usual element is a bare XML-RPC name: the whole content between `<` and `>`
        // (or `/>`) is the name, with no attributes and no prefix.
        let content: &[u8] = e;
        match Tag::from_local(content) {
            Some(tag) => Ok((tag, false)),
            None => Self::other_tag(e, start),
        }
    }

    /// Keeps the name of an element with a namespace prefix as written, for its end tag
    /// to be checked against: `</ex:i8>` must close `<ex:i8>`, not `<i8>` nor `<my:i8>`.
    #[cold]
    fn keep_prefixed(&mut self, e: &BytesStart<'_>, start: u64) -> Result<()> {
        let written = self
            .doc_slice(e.name().0)
            .ok_or_else(|| outside_document(start))?;
        self.prefixed.push((self.stack.len, written.as_bytes()));
        Ok(())
    }

    /// The tag of an element with attributes, whitespace after its name or a namespace
    /// prefix, and whether it has a prefix; an error for an unknown element or an
    /// attribute that is not a namespace declaration.
    #[cold]
    fn other_tag(e: &BytesStart<'_>, start: u64) -> Result<(Tag, bool)> {
        let name: &[u8] = e.name().0;
        let (tag, prefixed) = match Tag::from_local(name) {
            Some(t) => (t, false),
            None => (Self::prefixed_tag(e, start)?, true),
        };
        let raw = e.attributes_raw();
        if !raw.is_empty() && !is_xml_ws(raw) {
            Self::check_attributes(e, tag, start)?;
        }
        Ok((tag, prefixed))
    }

    /// The tag of an element whose name has a namespace prefix (`ex:nil`), or an error for
    /// an unknown element.
    #[cold]
    fn prefixed_tag(e: &BytesStart<'_>, start: u64) -> Result<Tag> {
        let local = e.local_name();
        let local: &[u8] = local.as_ref();
        Tag::from_local(local).ok_or_else(|| {
            Error::new(
                ErrorKind::Invalid,
                format!("unknown element <{}>", shown(local)),
            )
            .at_offset(start)
        })
    }

    /// Only namespace declarations may stand on an element (Apache ws-xmlrpc declares the
    /// `ex` prefix on the root); any other attribute is an error.
    #[cold]
    fn check_attributes(e: &BytesStart<'_>, tag: Tag, start: u64) -> Result<()> {
        for attr in e.attributes() {
            let attr = attr.map_err(|err| syntax(format!("malformed attribute: {err}"), start))?;
            let key: &[u8] = attr.key.as_ref();
            if key != b"xmlns" && !key.starts_with(b"xmlns:") {
                return Err(Error::new(
                    ErrorKind::Invalid,
                    format!(
                        "attribute `{}` on <{}>: XML-RPC elements have no attributes",
                        shown(key),
                        tag.name()
                    ),
                )
                .at_offset(start));
            }
            scan_raw(&attr.value).map_err(|m| syntax(format!("{m} in an attribute"), start))?;
        }
        Ok(())
    }
}

/// An end tag that is not the bare name of the element it closes: fine if it names the
/// element as its start tag did (`written`, for a name with a prefix) followed by XML
/// whitespace, a syntax error if not.
#[cold]
fn check_end(name: &[u8], open: Tag, written: Option<&[u8]>, start: u64) -> Result<()> {
    // Only XML's whitespace may follow the name (`trim_ascii_end` would take a form feed).
    let trimmed = quick_xml::utils::trim_xml_end(name);
    let expected = match written {
        Some(written) if trimmed == written => return Ok(()),
        Some(written) => shown(written),
        None if open.is_named(trimmed) => return Ok(()),
        None => open.name().to_owned(),
    };
    Err(syntax(
        format!(
            "malformed XML: expecting `</{expected}>` found `</{}>`",
            shown(name)
        ),
        start,
    ))
}

/// Turns raw text into character data: checks its characters and normalises line ends.
/// In line, so that short text (most of it) is settled without a call.
#[inline(always)]
fn raw_piece(raw: Cow<'_, str>, start: u64) -> Result<Cow<'_, str>> {
    match scan_raw(raw.as_bytes()) {
        Ok(false) => Ok(raw),
        Ok(true) => Ok(Cow::Owned(normalize_eol(&raw))),
        Err(m) => Err(syntax(m, start)),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    std::thread_local! {
        /// Whether tokenizers made on this thread read plain markup by comparing bytes;
        /// the tests that compare both ways of reading whole messages turn it off.
        pub(crate) static PLAIN: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
    }

    fn tokens(xml: &str) -> Result<Vec<String>> {
        let mut t = Tokenizer::new(xml.as_bytes());
        let mut out = Vec::new();
        loop {
            match t.next()? {
                Tok::Mark(Mark::Eof) => return Ok(out),
                Tok::Mark(m) => out.push(m.describe()),
                Tok::Text => out.push(format!("{:?}", t.take_text())),
            }
        }
    }

    #[test]
    fn merges_text_and_references() {
        let v =
            tokens("<string>a&amp;b&lt;&#13;<![CDATA[<&]]>&#x1F600;<!-- c -->z</string>").unwrap();
        assert_eq!(v, ["<string>", "\"a&b<\\r<&😀z\"", "</string>"]);
    }

    /// The error that reading `xml` token by token ends with.
    fn first_error(xml: &[u8]) -> Error {
        let mut t = Tokenizer::new(xml);
        loop {
            match t.next() {
                Ok(Tok::Mark(Mark::Eof)) => panic!("{xml:?} was read whole"),
                Ok(_) => {}
                Err(e) => return e,
            }
        }
    }

    #[test]
    fn invalid_utf8_is_a_syntax_error_at_its_byte() {
        for (xml, at) in [
            (&b"<string>ab\xffc</string>"[..], 10),
            (
                b"<methodCall><methodN\xe9ame>m</methodName></methodCall>",
                20,
            ),
            (b"\xc3", 0),
            (b"<value><string>\xed\xa0\x80</string></value>", 15),
        ] {
            let e = first_error(xml);
            assert_eq!(e.kind(), ErrorKind::Syntax, "{xml:?}: {e}");
            assert_eq!(e.offset(), Some(at), "{xml:?}: {e}");
            assert!(e.to_string().contains("invalid UTF-8"), "{xml:?}: {e}");
        }
        // What comes before the first invalid byte is read first: a declared encoding
        // other than UTF-8 is named, as for a document that is UTF-8.
        let e =
            Tokenizer::new(b"<?xml version='1.0' encoding='windows-1252'?><string>\xe9</string>")
                .next()
                .unwrap_err();
        assert!(e.to_string().contains("`windows-1252`"), "{e}");
        // Offsets count from after a byte order mark, this one as every other.
        for (xml, at) in [
            (&b"\xEF\xBB\xBF<string>\xff</string>"[..], 8),
            (b"\xEF\xBB\xBF<string>\x01</string>", 8),
            (b"\xEF\xBB\xBF<stri\xffng>", 5),
        ] {
            let e = first_error(xml);
            assert_eq!(e.offset(), Some(at), "{xml:?}: {e}");
        }
        // Text is the slice of the checked document, multi-byte characters included.
        let v = tokens("<string>é&amp;€ 😀</string>").unwrap();
        assert_eq!(v, ["<string>", "\"é&€ 😀\"", "</string>"]);
    }

    #[test]
    fn borrows_plain_text() {
        let mut t = Tokenizer::new(b"<string>plain</string>");
        t.next().unwrap();
        assert_eq!(t.next().unwrap(), Tok::Text);
        match t.take_text() {
            Cow::Borrowed(s) => assert_eq!(s, "plain"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn keeps_every_character_of_text_but_no_blanks_between_elements() {
        // Blank text inside elements that hold only elements produces no token at all;
        // text in elements with character data keeps its leading and trailing blanks,
        // also around references, CDATA and comments.
        let v = tokens(
            "<struct>\n <member>\r\n\t<name> a b </name><value>  </value></member>\n</struct>",
        )
        .unwrap();
        assert_eq!(
            v,
            [
                "<struct>",
                "<member>",
                "<name>",
                "\" a b \"",
                "</name>",
                "<value>",
                "\"  \"",
                "</value>",
                "</member>",
                "</struct>"
            ]
        );
        let v = tokens("<string> &amp; <![CDATA[ x ]]> <!-- c --> &lt; </string>").unwrap();
        assert_eq!(v, ["<string>", "\" &  x   < \"", "</string>"]);
        let v = tokens("<value>\n<array> <data>\n</data> </array>\n</value>").unwrap();
        assert_eq!(
            v,
            [
                "<value>", "\"\\n\"", "<array>", "<data>", "</data>", "</array>", "\"\\n\"",
                "</value>"
            ]
        );
        // Text that is not blank is still reported where only elements belong, and
        // blanks before the XML declaration still count.
        let e = tokens("<struct>\n  junk</struct>");
        assert!(e.is_ok_and(|v| v.contains(&"\"junk\"".to_owned())));
        assert!(tokens("  <?xml version='1.0'?><value/>").is_err());
        assert!(tokens("<value/>\n junk").is_err());
    }

    #[test]
    fn normalises_line_ends() {
        let v = tokens("<string>a\r\nb\rc&#13;\n</string>").unwrap();
        assert_eq!(v[1], "\"a\\nb\\nc\\r\\n\"");
    }

    #[test]
    fn local_names_and_namespace_declarations() {
        let v = tokens(
            "<value xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'><ex:nil/></value>",
        )
        .unwrap();
        assert_eq!(v, ["<value>", "<nil/>", "</value>"]);
    }

    #[test]
    fn end_tags_close_the_element_they_name() {
        assert!(tokens("<value><string>a</string ></value\n>").is_ok());
        assert!(tokens("<ex:nil xmlns:ex='x'></ex:nil>").is_ok());
        assert!(tokens("<value><ex:nil></ex:nil><int>1</int></value>").is_ok());
        for xml in [
            "<value></data>",
            "<value><string></value></string>",
            "<value></ex:value>",
            "<ex:value></value>",
            "<ex:value></ey:value>",
            "<value><ex:nil/><string></ex:string></value>",
            "<value><ex:nil></ex:nil><string></ex:string></value>",
            "<value></valuex>",
            "<value></valu>",
            // Only XML's whitespace may follow an end tag's name: not a form feed.
            "<value><string>x</string\x0C></value>",
            "<value></value\x0C>",
        ] {
            let e = tokens(xml).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Syntax, "{xml}: {e}");
        }
    }

    #[test]
    fn deep_documents_keep_their_elements_past_the_inline_ones() {
        let open = "<value><array><data>".repeat(INLINE_DEPTH);
        let close = "</data></array></value>".repeat(INLINE_DEPTH);
        let v = tokens(&format!("{open}<value><int>1</int></value>{close}")).unwrap();
        assert_eq!(v.len(), INLINE_DEPTH * 6 + 5);
        assert_eq!(v[v.len() - 1], "</value>");
        // A wrong end tag deep down is still caught, and so is one missing.
        let wrong = format!("{open}<value></data>{close}");
        assert_eq!(tokens(&wrong).unwrap_err().kind(), ErrorKind::Syntax);
        let short = format!("{open}{}", &close[7..]);
        assert_eq!(tokens(&short).unwrap_err().kind(), ErrorKind::Syntax);
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
            (
                "<?xml version='1.0' encoding='ISO-8859-1'?><value/>",
                ErrorKind::Syntax,
            ),
            ("<!DOCTYPE x><value/>", ErrorKind::Syntax),
            ("<?pi x?><value/>", ErrorKind::Syntax),
            ("<foo/>", ErrorKind::Invalid),
            ("<value a='1'/>", ErrorKind::Invalid),
        ] {
            let e = tokens(xml).unwrap_err();
            assert_eq!(e.kind(), kind, "{xml}: {e}");
            assert!(e.offset().is_some(), "{xml}: {e}");
        }
        assert!(
            tokens("<?xml version='1.0' encoding='utf-8'?>\n<!-- c --><value/>\n<!-- d -->\n")
                .is_ok()
        );
    }

    #[test]
    fn tag_names_match_exactly() {
        for t in ALL_TAGS {
            let name = t.name().as_bytes();
            assert_eq!(Tag::from_local(name), Some(t));
            for other in ALL_TAGS {
                assert_eq!(other.is_named(name), other == t);
            }
            let mut padded = name.to_owned();
            padded.push(0);
            assert_eq!(Tag::from_local(&padded), None);
            assert_eq!(Tag::from_local(&name[1..]), None);
        }
        for name in ["", "v", "dateTime.iso8601x", "methodcall", "Value"] {
            assert_eq!(Tag::from_local(name.as_bytes()), None);
        }
        assert!(tokens("<value\0/>").is_err());
    }

    #[test]
    fn scan_classes() {
        assert_eq!(scan_raw("abc\t\n".as_bytes()), Ok(false));
        assert_eq!(scan_raw("a\rb".as_bytes()), Ok(true));
        assert!(scan_raw("a\u{1}".as_bytes()).is_err());
        assert!(scan_raw("a\u{FFFE}".as_bytes()).is_err());
        assert!(scan_raw("a\u{FFFF}".as_bytes()).is_err());
        assert_eq!(scan_raw("\u{FFFD}\u{EFFF}".as_bytes()), Ok(false));
    }

    #[test]
    fn word_tests_agree_with_the_byte_loop() {
        // Every length up to past two chunks, every position, the bytes at the edges of
        // each class: the fast paths answer as `scan_slow` does.
        let bytes = [
            0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x41, 0x7F, 0x80, 0xBE, 0xBF,
        ];
        for len in 0..=70 {
            for at in 0..len {
                for byte in bytes.into_iter().chain([0xEE, 0xEF, 0xF0]) {
                    let mut text = vec![b'a'; len];
                    text[at] = byte;
                    assert_eq!(scan_raw(&text), scan_slow(&text), "{text:?}");
                    // U+FFFE and U+FFFF, whole or cut at the end.
                    if byte == 0xEF {
                        for tail in [[0xBF, 0xBE], [0xBF, 0xBF], [0xBF, 0xBD]] {
                            let mut t = text.clone();
                            t.splice(at + 1..at + 1, tail);
                            t.truncate(len.max(at + 1));
                            assert_eq!(scan_raw(&t), scan_slow(&t), "{t:?}");
                        }
                    }
                }
            }
        }
        // Words of random bytes: flagged exactly when a byte is below 0x20 or is 0xEF.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let expected = x.to_le_bytes().iter().any(|&c| c < 0x20 || c == 0xEF);
            assert_eq!(word_suspect(x), expected, "{x:#018x}");
        }
    }

    #[test]
    fn find_either_agrees_with_a_byte_search() {
        for len in 0..40 {
            for at in 0..=len {
                for (x, y, target) in [(b'<', b'&', b'<'), (b'<', b'&', b'&'), (b'>', b'>', b'>')] {
                    let mut b = vec![b'a'; len];
                    if let Some(c) = b.get_mut(at) {
                        *c = target;
                    }
                    // A byte one above or below each may not match.
                    b.iter_mut().take(at).step_by(3).for_each(|c| *c = x - 1);
                    b.iter_mut()
                        .take(at)
                        .skip(1)
                        .step_by(3)
                        .for_each(|c| *c = y + 1);
                    let expected = b.iter().position(|&c| c == x || c == y);
                    for window in [8, 16, 24, 128] {
                        let found = find_either(&b, x, y, window);
                        match expected {
                            Some(i) if i < window => assert_eq!(found, Some(i), "{b:?}"),
                            // Past the window (rounded to whole words) it may stop looking.
                            _ => assert!(found.is_none() || found == expected, "{b:?}"),
                        }
                    }
                }
            }
        }
    }

    /// Everything a tokenizer gives for `xml` under a run of `ops` (0: `next`, 1:
    /// `peek_mark`, 2: `next_mark`, 3: `take_text`), each result with the offset and text
    /// the tokenizer reports after it, up to the end; an error as its kind, offset and
    /// message, and three more calls after the first error.
    fn trace(xml: &[u8], plain: bool, ops: &[u8]) -> Vec<String> {
        trace_up_to(xml, plain, ops, 400)
    }

    /// [`trace`] of at most `limit` calls.
    fn trace_up_to(xml: &[u8], plain: bool, ops: &[u8], limit: usize) -> Vec<String> {
        PLAIN.set(plain);
        let mut t = Tokenizer::new(xml);
        PLAIN.set(true);
        let mut out = Vec::new();
        let mut errors = 0;
        for &op in ops.iter().cycle().take(limit) {
            let r = match op % 4 {
                0 => t.next().map(|tok| match tok {
                    Tok::Mark(m) => m.describe(),
                    Tok::Text => format!("{:?}", t.take_text()),
                }),
                1 => t.peek_mark().map(|m| format!("peek {}", m.describe())),
                2 => t.next_mark().map(|m| format!("mark {}", m.describe())),
                _ => Ok(format!("take {:?}", t.take_text())),
            };
            // quick-xml's record of open elements is never deeper than the document.
            assert!(
                errors > 0 || r.is_err() || t.reader_record <= t.stack.len,
                "quick-xml holds {} names with {} elements open",
                t.reader_record,
                t.stack.len
            );
            match r {
                Ok(s) => {
                    let end = s.ends_with("the end of the document") && !s.starts_with("peek");
                    out.push(format!("{s} @{} {:?}", t.pos(), t.text()));
                    if end {
                        break;
                    }
                }
                Err(e) => {
                    out.push(format!("{:?} {:?} {e}", e.kind(), e.offset()));
                    errors += 1;
                    if errors > 3 {
                        break;
                    }
                }
            }
        }
        out
    }

    /// Pieces of documents: plain markup (what `plain` reads) and every near miss of it,
    /// among the other markup and text a document can hold, well-formed or not.
    fn piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let names = || {
            prop::sample::select(vec![
                "int",
                "i4",
                "string",
                "value",
                "name",
                "methodName",
                "double",
                "boolean",
                "base64",
                "nil",
                "dateTime.iso8601",
                "struct",
                "member",
                "array",
                "data",
                "params",
                "param",
                "methodCall",
                "ex:i8",
                "my:i8",
                "ex:nil",
                "bogus",
                "Value",
            ])
        };
        let texts = || {
            prop::sample::select(vec![
                "",
                "5",
                "-12",
                "a b",
                " \n ",
                "\r\n",
                "x\ry",
                "&amp;",
                "a&lt;b",
                "&#13;",
                "\u{1}",
                "]]>",
                "<![CDATA[c]]>",
                "<!-- c -->",
                "é€😀",
                "\u{FFFE}",
                ">",
                "&",
                "&bogus;",
                "<",
                "\t",
                "a long text that goes on and on past the end of the window that the fast \
                 path looks through for the end of a leaf element, so quick-xml reads it",
            ])
        };
        prop_oneof![
            4 => (names(), texts()).prop_map(|(n, t)| format!("<{n}>{t}</{n}>")),
            2 => (names(), names(), texts()).prop_map(|(n, m, t)| format!("<{n}>{t}</{m}>")),
            1 => (names(), texts()).prop_map(|(n, t)| format!("<{n} >{t}</{n} >")),
            1 => (names(), texts()).prop_map(|(n, t)| format!("<{n}>{t}</{n}\x0C>")),
            1 => (names(), texts()).prop_map(|(n, t)| format!("<{n} xmlns:ex='u'>{t}</{n}>")),
            2 => (names(), texts()).prop_map(|(n, t)| format!("<value><{n}>{t}</{n}></value>")),
            1 => (names(), names(), texts())
                .prop_map(|(n, m, t)| format!("<value><{n}>{t}</{n}></{m}>")),
            1 => (names(), texts()).prop_map(|(n, t)| format!("<value> <{n}>{t}</{n}></value>")),
            1 => (names(), texts()).prop_map(|(n, t)| format!("<value><{n}>{t}</{n}> </value>")),
            2 => names().prop_map(|n| format!("<{n}>")),
            2 => names().prop_map(|n| format!("</{n}>")),
            1 => names().prop_map(|n| format!("<{n}/>")),
            1 => names().prop_map(|n| format!("<{n} />")),
            1 => names().prop_map(|n| format!("</{n}\t>")),
            1 => (names(), texts()).prop_map(|(n, t)| format!("<{n}>{t}")),
            1 => (names(), texts()).prop_map(|(n, t)| format!("{t}</{n}>")),
            2 => texts().prop_map(str::to_owned),
            2 => Just("\n".to_owned()),
            1 => prop::sample::select(vec![
                "<?xml version='1.0'?>",
                "<?xml version=\"1.0\"?>",
                "<?xml version='1.0' encoding='latin-1'?>",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<?xml version='1.0' encoding='us-ascii'?>",
                "<?xml version='1.0' encoding=\"utf-8'?>",
                "<?xml version='1.1'?>",
                "<?xml version='1.0' ?>",
                "<?xml version='1.0'?>\u{FEFF}",
                "<?xml version='1.0'?",
            ])
            .prop_map(str::to_owned),
            1 => Just("\u{FEFF}".to_owned()),
        ]
    }

    /// Where two traces part, if they do: the first difference and a little context.
    fn parting(a: &[String], b: &[String]) -> Option<String> {
        let i = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))?;
        let from = i.saturating_sub(3);
        Some(format!(
            "at token {i}: {:?} against {:?}",
            a.get(from..=i.min(a.len().saturating_sub(1))),
            b.get(from..=i.min(b.len().saturating_sub(1)))
        ))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// Reading plain markup without quick-xml changes nothing anyone can see: the
        /// same tokens, texts, offsets and errors as reading every event with it.
        #[test]
        fn plain_markup_reads_as_events_do(
            pieces in proptest::collection::vec(piece(), 0..24),
            wrap in proptest::prelude::any::<bool>(),
            cut in proptest::prelude::any::<proptest::sample::Index>(),
            cut_it in proptest::prelude::any::<bool>(),
            ops in proptest::collection::vec(0..4u8, 1..8),
        ) {
            let mut xml = pieces.concat();
            if wrap {
                xml = format!("<?xml version='1.0'?>\n<methodCall>\n{xml}\n</methodCall>\n");
            }
            let mut xml = xml.into_bytes();
            if cut_it {
                xml.truncate(cut.index(xml.len() + 1));
            }
            let ops: Vec<u8> = std::iter::once(0).chain(ops).collect();
            let parted = parting(&trace(&xml, true, &ops), &trace(&xml, false, &ops));
            proptest::prop_assert!(parted.is_none(), "{:?}: {}", String::from_utf8_lossy(&xml), parted.unwrap_or_default());
        }
    }

    #[test]
    fn plain_markup_reads_as_events_do_after_an_error_and_a_peek() {
        for (xml, ops) in [
            // quick-xml stops at a syntax error; reading on must not find plain markup after it.
            (
                &b"<methodCall><![CDATx[]]><value>5</value></methodCall>"[..],
                &[0u8][..],
            ),
            // After a text error quick-xml stands inside markup.
            (
                b"<methodCall><value>\x01<int>5</int>x</value></methodCall>",
                &[0],
            ),
            // A mark peeked right after a text leaves the text's offset.
            (
                b"<methodCall><int>5</int></methodCall>",
                &[0, 0, 0, 1, 1, 0],
            ),
            (
                b"<methodCall><value><i4>5</i4></value></methodCall>",
                &[0, 0, 0, 0, 1, 2, 1],
            ),
        ] {
            let parted = parting(&trace(xml, true, ops), &trace(xml, false, ops));
            assert!(parted.is_none(), "{xml:?}: {}", parted.unwrap_or_default());
        }
    }

    #[test]
    fn quick_xml_reads_the_end_tag_of_each_element_it_opened() {
        // Start tags quick-xml reads (a space before `>`), end tags in their plainest form:
        // if those ends were read by comparing bytes, quick-xml would keep every name.
        let mut xml = String::from("<?xml version='1.0'?><methodCall><params>");
        for _ in 0..1000 {
            xml.push_str("<param ><value >x</value></param>");
        }
        xml.push_str("</params></methodCall>");
        let mut t = Tokenizer::new(xml.as_bytes());
        let mut most = 0;
        while t.next().unwrap() != Tok::Mark(Mark::Eof) {
            most = most.max(t.reader_record);
        }
        assert_eq!(most, 2);
        let parted = parting(
            &trace_up_to(xml.as_bytes(), true, &[0], 10_000),
            &trace_up_to(xml.as_bytes(), false, &[0], 10_000),
        );
        assert!(parted.is_none(), "{}", parted.unwrap_or_default());
    }

    #[test]
    fn plain_markup_keeps_offsets_over_a_long_document() {
        // Much plain markup, then an error: its offset counts every byte read by either way.
        let mut xml = String::from("<methodCall><params><param><value><array><data>\n");
        for i in 0..3000 {
            xml.push_str(&format!(
                "<value><int>{i}</int></value>\n<value>s{i}</value>\n"
            ));
        }
        xml.push_str("<value><int>1</i4></value></data></array></value></param></params>");
        let at = xml.find("</i4>").unwrap();
        let fast = trace_up_to(xml.as_bytes(), true, &[0], 100_000);
        let parted = parting(&fast, &trace_up_to(xml.as_bytes(), false, &[0], 100_000));
        assert!(parted.is_none(), "{}", parted.unwrap_or_default());
        let error = fast.iter().find(|l| l.starts_with("Syntax")).unwrap();
        assert!(error.starts_with(&format!("Syntax Some({at}) ")), "{error}");
    }

    /// Scalar values in their plainest form, every near miss of it, and other values.
    fn value_piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let tags = || {
            prop::sample::select(vec![
                "int",
                "i4",
                "i8",
                "string",
                "boolean",
                "double",
                "base64",
                "nil",
                "struct",
                "array",
                "value",
                "name",
                "ex:int",
                "bogus",
                "dateTime.iso8601",
            ])
        };
        let texts = || {
            prop::sample::select(vec![
                "",
                "5",
                " 7 ",
                "-12",
                "99999999999",
                "1",
                "2",
                "1.5",
                "aGk=",
                "a b",
                "\n",
                "x\ry",
                "&amp;",
                "\u{1}",
                "<!-- c -->",
                "<![CDATA[c]]>",
                "20260101T00:00:00",
                "a long text that goes on and on past the end of the window that the fast \
                 path looks through for the end tag after it, so quick-xml reads it",
            ])
        };
        prop_oneof![
            4 => (tags(), texts()).prop_map(|(n, t)| format!("<value><{n}>{t}</{n}></value>")),
            2 => texts().prop_map(|t| format!("<value>{t}</value>")),
            1 => (tags(), tags(), texts())
                .prop_map(|(n, m, t)| format!("<value><{n}>{t}</{m}></value>")),
            1 => (tags(), texts()).prop_map(|(n, t)| format!("<value><{n}>{t}</{n}> </value>")),
            1 => (tags(), texts()).prop_map(|(n, t)| format!("<value> <{n}>{t}</{n}></value>")),
            1 => (tags(), texts()).prop_map(|(n, t)| format!("<value ><{n}>{t}</{n}></value>")),
            1 => (tags(), texts()).prop_map(|(n, t)| format!("<value><{n}>{t}</{n}></value >")),
            1 => tags().prop_map(|n| format!("<value><{n}/></value>")),
            1 => Just("<value/>".to_owned()),
            1 => (tags(), texts()).prop_map(|(n, t)| format!("<value><{n}>{t}</{n}>")),
            1 => texts().prop_map(|t| format!("<value><array><data><value>{t}</value></data></array></value>")),
            1 => (tags(), texts()).prop_map(|(n, t)| {
                format!("<value><array>\n<data>\n<value>{t}</value>\n<value><{n}>{t}</{n}></value>\n<value><array><data><value>{t}</value></data></array></value></data>\n</array></value>")
            }),
            1 => Just("<value><array><data/></array></value>".to_owned()),
            1 => Just("<value><array><data></data></array ></value>".to_owned()),
            1 => (tags(), texts()).prop_map(|(n, t)| {
                format!("<value><struct><member><name>{t}</name><value><{n}>{t}</{n}></value></member></struct></value>")
            }),
            1 => (texts(), texts()).prop_map(|(a, b)| {
                format!("<value><struct>\n<member>\n<name>{a}</name >\n<value>{b}</value>\n</member>\n<member><name>{b}</name><value>{a}</value></member></struct></value>")
            }),
        ]
    }

    /// Reads the parameters of `xml` as the types `kinds` names, one by one, and the end
    /// of the document: what each read gave, as text.
    fn read_call(xml: &[u8], kinds: &[u8], plain: bool, tight: bool) -> Vec<String> {
        use crate::value::Value;
        PLAIN.set(plain);
        let mut out = Vec::new();
        let mut config = crate::Config::default();
        if tight {
            config.max_items = 1;
            config.max_members = 1;
            config.max_depth = 2;
        }
        match crate::de::parse_call(xml, &config) {
            Err(e) => out.push(format!("call: {e:?}")),
            Ok(mut call) => {
                out.push(format!("name {:?}", call.name));
                for &kind in kinds {
                    let r = match kind % 7 {
                        0 => call.params.next::<i32>().map(|v| format!("{v:?}")),
                        1 => call.params.next::<String>().map(|v| format!("{v:?}")),
                        2 => call.params.next::<bool>().map(|v| format!("{v:?}")),
                        3 => call.params.next::<f64>().map(|v| format!("{v:?}")),
                        4 => call.params.next::<Value>().map(|v| format!("{v:?}")),
                        5 => call.params.next::<i64>().map(|v| format!("{v:?}")),
                        _ => call
                            .params
                            .next::<crate::DateTime>()
                            .map(|v| format!("{v:?}")),
                    };
                    // Reading goes on after an error, as a caller may: what it finds
                    // then is compared too.
                    out.push(format!("{r:?}"));
                }
                out.push(format!("finish {:?}", call.params.finish()));
            }
        }
        PLAIN.set(true);
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Reading whole scalar values at once changes nothing anyone can see: the same
        /// values, errors and offsets as reading them token by token.
        #[test]
        fn plain_values_read_as_tokens_do(
            values in proptest::collection::vec((value_piece(), 0..10usize), 0..6),
            end in proptest::sample::select(vec![
                "</params>{sep}</methodCall>",
                "</params >{sep}</methodCall>",
                "<!-- c --></params>{sep}</methodCall >",
                "</params>{sep}</methodcall>",
                "</params></params></methodCall>",
                "</methodCall>",
                "{sep}",
            ]),
            blanks in proptest::prelude::any::<bool>(),
            kinds in proptest::collection::vec(0..7u8, 0..7),
            cut in proptest::prelude::any::<proptest::sample::Index>(),
            cut_it in proptest::prelude::any::<bool>(),
            name in proptest::sample::select(vec![
                "<methodName>m</methodName>",
                "<methodName></methodName>",
                "<methodName/>",
                "<methodName>a&amp;b</methodName>",
                "<methodName>\u{1}</methodName>",
                "<methodName >m</methodName>",
                "<methodName>m</methodName >",
                "<methodName>m</methodname>",
                "<methodName>m<!-- c --></methodName>",
                "<name>m</name>",
            ]),
            declaration in proptest::sample::select(vec![
                "<?xml version='1.0'?>",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<?xml version='1.0' encoding='latin-1'?>",
                "<?xml version='1.0'?>\u{FEFF}",
                "\u{FEFF}<?xml version='1.0'?>",
                "",
            ]),
        ) {
            let sep = if blanks { "\n" } else { "" };
            let mut xml = format!("{declaration}{sep}<methodCall>{sep}{name}{sep}<params>{sep}");
            for (v, wrap) in &values {
                xml.push_str(&match wrap {
                    0 => format!("<param >{sep}{v}{sep}</param>{sep}"),
                    1 => format!("<param>{sep}{v}{sep}</param >{sep}"),
                    2 => format!("<param>{v}<!-- c --></param>"),
                    3 => format!("<param>{v}{v}</param>"),
                    4 => format!("<param>{v}"),
                    5 => v.clone(),
                    6 => "<param/>".to_owned(),
                    _ => format!("<param>{sep}{v}{sep}</param>{sep}"),
                });
            }
            xml.push_str(&end.replace("{sep}", sep));
            xml.push_str(sep);
            let mut xml = xml.into_bytes();
            if cut_it {
                xml.truncate(cut.index(xml.len() + 1));
            }
            for tight in [false, true] {
                let plain = read_call(&xml, &kinds, true, tight);
                let tokens = read_call(&xml, &kinds, false, tight);
                proptest::prop_assert_eq!(plain, tokens, "{:?}", String::from_utf8_lossy(&xml));
            }
        }
    }
}
