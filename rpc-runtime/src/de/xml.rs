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
//! * an end tag must name the element it closes: checked here against the stack of open
//!   elements, or by quick-xml once an element with a namespace prefix or attributes has
//!   appeared (the stack keeps local names only).
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
//! kept. The hot path is one event per mark; character data and rare events are handled
//! out of line.
//!
//! Most of a message is leaf elements in their plainest form, `<name>id</name>` or
//! `<value><int>7</int></value>`: exact bare names, text with no reference. Those are read
//! here by comparing bytes (see `Tokenizer::leaf`), at a fraction of the cost of quick-xml's
//! three to five events for them, and give exactly the tokens, texts and offsets those
//! events would (a property test reads random documents both ways and compares). Anything
//! else, including every construct whose reading takes more than a byte comparison, is
//! quick-xml's, and so is everything after an error. (A value written across lines,
//! `<value>\n  <int>1</int>\n</value>`, is quick-xml's too: the line breaks inside it are
//! text of the value.)

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

    /// Whether XML-RPC puts an element that holds character data in this one (`<name>` in
    /// a `<member>`, `<int>` in a `<value>`): where [`Tokenizer::leaf`] is worth a try.
    #[inline]
    fn may_hold_leaf(self) -> bool {
        matches!(
            self,
            Tag::MethodCall | Tag::Param | Tag::Fault | Tag::Member | Tag::Data | Tag::Value
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
    /// The elements open right now, innermost last (quick-xml checks that end tags match
    /// their start tags, so an end tag closes the last one).
    stack: TagStack,
    /// Whether the root element started.
    root_seen: bool,
    /// The byte offset of the token returned last.
    pos: u64,
    /// Bytes read by [`leaf`](Self::leaf) rather than by the reader: what turns the
    /// reader's offsets into offsets in the document.
    base: u64,
    /// Tokens [`leaf`](Self::leaf) read ahead, with their offsets, returned before
    /// anything else is read (the text of a [`Tok::Text`] among them is `ahead_text`).
    ahead: [(Tok, u64); 4],
    /// How many of `ahead` there are, and how many of them were returned.
    ahead_len: u8,
    ahead_done: u8,
    /// The text among the tokens read ahead.
    ahead_text: Cow<'a, str>,
    /// Whether reading failed. quick-xml may then stand anywhere (inside markup, say),
    /// not where [`leaf`](Self::leaf) can start, so only quick-xml reads on.
    failed: bool,
    /// Whether [`leaf`](Self::leaf) runs; the tests compare both ways of reading.
    #[cfg(test)]
    leaves: bool,
}

/// How much character data [`Tokenizer::leaf`] looks through for the end of a leaf
/// element; longer text is read by quick-xml.
const LEAF_WINDOW: usize = 128;

/// A start tag that is exactly `<name>` for an element that holds character data, at the
/// start of `b`: that element, and what follows the tag.
#[inline(always)]
fn plain_start(b: &[u8]) -> Option<(Tag, &[u8])> {
    let [b'<', b'a'..=b'z', ..] = b else {
        return None;
    };
    // Names are 2 to 16 bytes long: `<`, the name and `>` fit in three words.
    let gt = find_either(b, b'>', b'>', 24)?;
    let tag = Tag::from_local(b.get(1..gt)?)?;
    if tag.is_structural() {
        return None;
    }
    Some((tag, b.get(gt + 1..)?))
}

/// Text with no reference followed by exactly `</name>` for `tag`, at the start of `b`:
/// the length of the text, and what follows the end tag.
#[inline(always)]
fn plain_text(b: &[u8], tag: Tag) -> Option<(usize, &[u8])> {
    let len = find_either(b, b'<', b'&', LEAF_WINDOW)?;
    let (end, after) = b
        .get(len..)?
        .split_at_checked(TAG_WORDS[tag as usize].0 + 3)?;
    match end {
        [b'<', b'/', name @ .., b'>'] if tag.is_named(name) => Some((len, after)),
        _ => None,
    }
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
/// the heap, so reading a typical message allocates nothing for them.
#[derive(Default)]
struct TagStack {
    len: usize,
    inline: [Option<Tag>; INLINE_DEPTH],
    deeper: Vec<Tag>,
}

/// Elements a [`TagStack`] holds in place: a call with values nested 7 deep.
const INLINE_DEPTH: usize = 24;

impl TagStack {
    #[inline]
    fn push(&mut self, tag: Tag) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = Some(tag),
            None => self.deeper.push(tag),
        }
        self.len += 1;
    }

    #[inline]
    fn pop(&mut self) -> Option<Tag> {
        let top = self.last()?;
        if self.len > INLINE_DEPTH {
            self.deeper.pop();
        }
        self.len -= 1;
        Some(top)
    }

    #[inline]
    fn last(&self) -> Option<Tag> {
        let i = self.len.checked_sub(1)?;
        match self.inline.get(i) {
            Some(slot) => *slot,
            None => self.deeper.last().copied(),
        }
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
    /// Nothing: a comment, the XML declaration, whitespace outside the root.
    Skip,
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
        let (doc, not_utf8) = match std::str::from_utf8(xml) {
            Ok(doc) => (doc, None),
            // The part before `valid_up_to` is UTF-8 by its definition.
            Err(e) => (
                std::str::from_utf8(&xml[..e.valid_up_to()]).unwrap_or(""),
                Some(e),
            ),
        };
        let mut reader = Reader::from_reader(doc.as_bytes());
        let c = reader.config_mut();
        // End names are checked here against the element stack, which is cheaper than
        // quick-xml's byte comparison; quick-xml takes over after an element with a
        // namespace prefix (see `start_tag`), as the stack keeps only local names.
        c.check_end_names = false;
        c.check_comments = true;
        c.allow_dangling_amp = false;
        c.allow_unmatched_ends = false;
        c.expand_empty_elements = false;
        c.trim_text(false);
        // Whitespace after the name of an end tag (`</value >`) is trimmed in `check_end`;
        // quick-xml trims it only while it compares end names itself.
        c.trim_markup_names_in_closing_tags = false;
        Tokenizer {
            reader,
            doc,
            not_utf8,
            peeked: None,
            text: Cow::Borrowed(""),
            merging: false,
            step_pos: 0,
            stack: TagStack::default(),
            root_seen: false,
            pos: 0,
            base: 0,
            ahead: [(Tok::Text, 0); 4],
            ahead_len: 0,
            ahead_done: 0,
            ahead_text: Cow::Borrowed(""),
            failed: false,
            #[cfg(test)]
            leaves: true,
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
                let tag = self.start_tag(&e, start)?;
                self.stack.push(tag);
                self.skip_blanks(tag.is_structural());
                Step::Mark(Mark::Start(tag))
            }
            Ok(Event::End(e)) => {
                let tag = self
                    .stack
                    .pop()
                    .ok_or_else(|| syntax("an unmatched end tag", start))?;
                let name: &[u8] = &e;
                if !tag.is_named(name) {
                    self.check_end(name, tag, start)?;
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
                let tag = self.start_tag(&e, start)?;
                Step::Mark(Mark::Empty(tag))
            }
            // Each event takes at least one byte, so only the first starts at 0.
            Ok(other) => self.rare_event(other, start, start == 0)?,
            Err(e) => return Err(self.xml_error(e)),
        };
        Ok(step)
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
                    let ok = ["utf-8", "utf8", "us-ascii", "ascii"]
                        .iter()
                        .any(|n| enc.eq_ignore_ascii_case(n.as_bytes()));
                    if !ok {
                        return Err(syntax(
                            format!("unsupported encoding `{}`: only UTF-8 is read", shown(&enc)),
                            start,
                        ));
                    }
                }
                Step::Skip
            }
            Event::PI(_) => return Err(syntax("processing instructions are not allowed", start)),
            Event::DocType(_) => return Err(syntax("a DOCTYPE is not allowed", start)),
            Event::Start(_) | Event::End(_) | Event::Empty(_) | Event::Text(_) => {
                return Err(syntax("unexpected event", start));
            }
        })
    }

    /// Reads the next token: one read ahead by [`leaf`](Self::leaf), or a leaf element
    /// read by it, or from quick-xml's events a mark or all the character data up to the
    /// next mark (which is kept as the peeked one).
    fn read(&mut self) -> Result<Tok> {
        if let Some(tok) = self.ahead_next() {
            return Ok(tok);
        }
        if self.leaves_on()
            && !self.failed
            && let Some(tok) = self.leaf()
        {
            return Ok(tok);
        }
        let read = self.read_events();
        self.failed |= read.is_err();
        read
    }

    /// The next token read ahead by [`leaf`](Self::leaf), if one is left. A text's mark
    /// is kept as the peeked one, as [`read_events`](Self::read_events) keeps it.
    #[inline]
    fn ahead_next(&mut self) -> Option<Tok> {
        let (tok, pos) = self.take_ahead()?;
        self.pos = pos;
        if tok == Tok::Text {
            self.text = std::mem::replace(&mut self.ahead_text, Cow::Borrowed(""));
            if let Some((Tok::Mark(m), at)) = self.take_ahead() {
                self.peeked = Some((m, at));
            }
        }
        Some(tok)
    }

    /// Takes the next of the tokens read ahead, if one is left.
    #[inline(always)]
    fn take_ahead(&mut self) -> Option<(Tok, u64)> {
        let next = *self
            .ahead
            .get(..usize::from(self.ahead_len))?
            .get(usize::from(self.ahead_done))?;
        self.ahead_done += 1;
        Some(next)
    }

    /// [`read`](Self::read) through quick-xml's events.
    fn read_events(&mut self) -> Result<Tok> {
        self.merging = false;
        loop {
            match self.step()? {
                Step::Mark(m) if !self.merging => {
                    self.pos = self.step_pos;
                    return Ok(Tok::Mark(m));
                }
                Step::Mark(m) => {
                    self.peeked = Some((m, self.step_pos));
                    return Ok(Tok::Text);
                }
                Step::Piece if !self.merging => {
                    self.pos = self.step_pos;
                    self.merging = true;
                }
                Step::Piece | Step::Skip => {}
            }
        }
    }

    /// Whether [`leaf`](Self::leaf) runs: always, but in the tests that compare it with
    /// reading by events alone.
    #[inline(always)]
    fn leaves_on(&self) -> bool {
        #[cfg(test)]
        return self.leaves;
        #[cfg(not(test))]
        true
    }

    /// A leaf element in its plainest form, read without quick-xml: `<int>42</int>`, that
    /// is, a start tag that is exactly the bare name of an element that holds character
    /// data, text with no reference (up to [`LEAF_WINDOW`] bytes), and the exact end tag;
    /// or such an element as the one content of a `<value>`, which is how most values are
    /// written. For quick-xml these are three events (five with the `<value>`), each
    /// costlier than this whole function, and together most events of a typical message.
    /// What it returns, now and from the next calls, is what those events would give;
    /// anything else (a comment, CDATA, a reference, attributes, a prefix, whitespace in a
    /// tag, text with a character XML forbids) is left to quick-xml, which then reads the
    /// element from its start, so its own record of open elements stays whole.
    #[inline]
    fn leaf(&mut self) -> Option<Tok> {
        // The root is read by quick-xml, and so is what XML-RPC puts in a `<params>`, a
        // `<struct>` or an `<array>`: elements that hold elements.
        if !self.stack.last()?.may_hold_leaf() {
            return None;
        }
        let rest: &'a [u8] = self.reader.get_ref();
        // Blank text that quick-xml would skip (see `skip_blanks`).
        let blank = if self.reader.config().trim_text_start {
            rest.iter()
                .take_while(|&&b| quick_xml::utils::is_whitespace(b))
                .count()
        } else {
            0
        };
        // Where each part starts, counted from `rest`: every part is a suffix of it.
        let at = |part: &[u8]| rest.len() - part.len();
        let (tag, body) = plain_start(rest.get(blank..)?)?;
        // The element holding the text, where its text starts and ends, where the value's
        // end tag starts (if it is a value around it), and the rest of the document.
        let (leaf_tag, text_at, text_end, value_end, rest_after) = match plain_start(body) {
            // `<value><int>`: the value holds a leaf, and then must end.
            Some((inner, inner_body)) if tag == Tag::Value => {
                let (len, after) = plain_text(inner_body, inner)?;
                let rest_after = after.strip_prefix(b"</value>")?;
                let text_at = at(inner_body);
                (inner, text_at, text_at + len, Some(at(after)), rest_after)
            }
            Some(_) => return None,
            None => {
                let (len, after) = plain_text(body, tag)?;
                (tag, at(body), at(body) + len, None, after)
            }
        };
        let text = self.doc_slice(rest.get(text_at..text_end)?)?;
        let start = self.offset();
        // Text with a character XML forbids is left to quick-xml too, so that the error
        // comes where reading by events reports it: after the start mark.
        let text = raw_piece(Cow::Borrowed(text), start + text_at as u64).ok()?;
        *self.reader.get_mut() = rest_after;
        self.base += at(rest_after) as u64;
        let mut n = 0;
        let mut queue = |tok: Tok, offset: usize| {
            // At most four tokens: the inner start, the text, two ends.
            debug_assert!(n < self.ahead.len());
            if let Some(slot) = self.ahead.get_mut(n) {
                *slot = (tok, start + offset as u64);
                n += 1;
            }
        };
        if value_end.is_some() {
            queue(Tok::Mark(Mark::Start(leaf_tag)), at(body));
        }
        if !text.is_empty() {
            queue(Tok::Text, text_at);
        }
        queue(Tok::Mark(Mark::End(leaf_tag)), text_end);
        if let Some(value_end) = value_end {
            queue(Tok::Mark(Mark::End(Tag::Value)), value_end);
        }
        self.ahead_len = n as u8;
        self.ahead_done = 0;
        self.ahead_text = text;
        self.pos = start;
        Some(Tok::Mark(Mark::Start(tag)))
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

    /// The tag of a start or empty element; checks its attributes and the root rules.
    #[inline]
    fn start_tag(&mut self, e: &BytesStart<'_>, start: u64) -> Result<Tag> {
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
            Some(tag) => Ok(tag),
            None => {
                // From here on quick-xml compares end names byte for byte, so that
                // `</ex:nil>` must close `<ex:nil>` and no other prefix.
                let c = self.reader.config_mut();
                c.check_end_names = true;
                c.trim_markup_names_in_closing_tags = true;
                Self::other_tag(e, start)
            }
        }
    }

    /// An end tag whose name is not the bare name of the element it closes: fine if
    /// quick-xml compared it with the start tag's own name already, a syntax error if not.
    #[cold]
    fn check_end(&self, name: &[u8], open: Tag, start: u64) -> Result<()> {
        // Only XML's whitespace may follow the name (`trim_ascii_end` would take a form feed).
        let trimmed = quick_xml::utils::trim_xml_end(name);
        if self.reader.config().check_end_names || open.is_named(trimmed) {
            return Ok(());
        }
        Err(syntax(
            format!(
                "malformed XML: expecting `</{}>` found `</{}>`",
                open.name(),
                shown(name)
            ),
            start,
        ))
    }

    /// The tag of an element with attributes, whitespace after its name or a namespace
    /// prefix; an error for an unknown element or an attribute that is not a namespace
    /// declaration.
    #[cold]
    fn other_tag(e: &BytesStart<'_>, start: u64) -> Result<Tag> {
        let name: &[u8] = e.name().0;
        let tag = match Tag::from_local(name) {
            Some(t) => t,
            None => Self::prefixed_tag(e, start)?,
        };
        let raw = e.attributes_raw();
        if !raw.is_empty() && !is_xml_ws(raw) {
            Self::check_attributes(e, tag, start)?;
        }
        Ok(tag)
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
mod tests {
    use super::*;

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
    fn trace(xml: &[u8], leaves: bool, ops: &[u8]) -> Vec<String> {
        trace_up_to(xml, leaves, ops, 400)
    }

    /// [`trace`] of at most `limit` calls.
    fn trace_up_to(xml: &[u8], leaves: bool, ops: &[u8], limit: usize) -> Vec<String> {
        let mut t = Tokenizer::new(xml);
        t.leaves = leaves;
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

    /// Pieces of documents: plain leaves (what `leaf` reads) and every near miss of them,
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
            2 => texts().prop_map(str::to_owned),
            2 => Just("\n".to_owned()),
            1 => prop::sample::select(vec![
                "<?xml version='1.0'?>",
                "<?xml version=\"1.0\"?>",
                "<?xml version='1.0' encoding='latin-1'?>",
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

        /// Reading leaf elements without quick-xml changes nothing anyone can see: the
        /// same tokens, texts, offsets and errors as reading every event with it.
        #[test]
        fn leaves_read_alone_read_as_events_do(
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
    fn leaves_read_alone_read_as_events_do_after_an_error_and_a_peek() {
        for (xml, ops) in [
            // quick-xml stops at a syntax error; reading on must not find leaves after it.
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
    fn leaves_read_alone_keep_offsets_over_a_long_document() {
        // Many leaves, then an error: its offset counts every byte read by either way.
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
}
