//! The serde `Deserializer` that reads one `<value>` straight from the tokenizer.
//!
//! There is no intermediate tree: each `deserialize_*` call reads the `<value>` element and
//! its type element, checks the type against what the caller asked for, and hands the
//! decoded scalar (borrowed from the input where possible) or a sequence/map access to the
//! visitor. Recursion follows the value nesting and stops at [`Config::max_depth`].

use std::borrow::Cow;
use std::collections::HashSet;

use base64::Engine as _;
use serde::de::{self, DeserializeSeed, Visitor};

use super::xml::{Mark, Tag, Tok, Tokenizer, is_xml_ws};
use crate::config::Config;
use crate::datetime::DATETIME_TOKEN;
use crate::error::{Error, ErrorKind, PathSegment, Result};

/// What the start of a `<value>` turned out to be.
#[derive(Clone, Copy)]
pub(crate) enum Header {
    /// A `<value>` without a type element, already read to its end: a string, whose text
    /// the tokenizer holds.
    Untyped,
    /// A type element whose start tag (or empty tag, `empty`) was read.
    Typed { tag: Tag, empty: bool },
}

/// Structs with more members than this check for duplicate names with a hash set instead
/// of a scan.
const SCAN_MEMBERS: usize = 8;

/// Reads XML-RPC values from a tokenizer into serde types.
pub(crate) struct Deserializer<'a> {
    pub(crate) tok: Tokenizer<'a>,
    config: Config,
    /// Typed values open right now.
    depth: usize,
    /// A header read ahead by `deserialize_option`, with its offset.
    pending: Option<(Header, u64)>,
    /// The member names of the structs being read, innermost last.
    names: Vec<Cow<'a, str>>,
    /// Reused buffer for base64 text without whitespace.
    scratch: Vec<u8>,
    /// The offset of the element describing the value being read.
    at: u64,
}

/// `s` without XML whitespace around it (`str::trim_ascii` would take a form feed too).
#[inline]
fn trim_ascii(s: &str) -> &str {
    let is_ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    let b = s.as_bytes();
    let start = b.iter().position(|c| !is_ws(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !is_ws(c)).map_or(start, |i| i + 1);
    // Both ends are next to ASCII bytes or at the ends of `s`: character boundaries.
    &s[start..end]
}

#[inline]
fn visit_cow<'a, V: Visitor<'a>>(visitor: V, s: Cow<'a, str>) -> Result<V::Value> {
    match s {
        Cow::Borrowed(b) => visitor.visit_borrowed_str(b),
        Cow::Owned(o) => visitor.visit_string(o),
    }
}

fn is_int(tag: Tag) -> bool {
    matches!(
        tag,
        Tag::I4 | Tag::Int | Tag::I8 | Tag::I1 | Tag::I2 | Tag::BigInteger
    )
}

/// Parses an integer as XML-RPC peers write it: ASCII whitespace around it, an optional
/// sign, decimal digits.
pub(crate) fn parse_int<T>(text: &str, ty: &'static str) -> Result<T>
where
    T: TryFrom<i64> + TryFrom<i128>,
{
    let t = trim_ascii(text);
    match t.parse::<i64>() {
        Ok(v) => T::try_from(v).map_err(|_| int_range(t, ty)),
        Err(_) => match t.parse::<i128>() {
            Ok(v) => T::try_from(v).map_err(|_| int_range(t, ty)),
            Err(_) => Err(Error::new(
                ErrorKind::Type,
                format!("invalid integer `{}`", super::truncate(t, 64)),
            )
            .with_types(ty, "int")),
        },
    }
}

#[cold]
fn int_range(t: &str, ty: &'static str) -> Error {
    Error::new(
        ErrorKind::Type,
        format!("integer {} out of range for {ty}", super::truncate(t, 64)),
    )
    .with_types(ty, "int")
}

/// Parses a boolean: exactly `0` or `1` after trimming whitespace.
pub(crate) fn parse_bool(text: &str) -> Result<bool> {
    match trim_ascii(text) {
        "0" => Ok(false),
        "1" => Ok(true),
        other => Err(Error::new(
            ErrorKind::Type,
            format!(
                "invalid boolean `{}`: only 0 and 1 are allowed",
                super::truncate(other, 64)
            ),
        )
        .with_types("boolean", "boolean")),
    }
}

/// Parses a double with Rust's parser after trimming whitespace; infinities and NaN only
/// when the config allows them.
pub(crate) fn parse_double(text: &str, allow_non_finite: bool) -> Result<f64> {
    let t = trim_ascii(text);
    let v: f64 = t.parse().map_err(|_| {
        Error::new(
            ErrorKind::Type,
            format!("invalid double `{}`", super::truncate(t, 64)),
        )
        .with_types("double", "double")
    })?;
    if !v.is_finite() && !allow_non_finite {
        return Err(Error::new(
            ErrorKind::Type,
            format!(
                "the double `{}` is not finite, and non-finite doubles are not allowed",
                super::truncate(t, 64)
            ),
        )
        .with_types("double", "double"));
    }
    Ok(v)
}

/// Checks the text of a `<dateTime.iso8601>`, so a bad one is a type error with an
/// offset rather than a message from inside the receiver's visitor.
fn check_datetime(text: &str) -> Result<()> {
    crate::DateTime::parse(text)
        .map(|_| ())
        .map_err(|e| e.with_types("dateTime.iso8601", "dateTime.iso8601"))
}

/// Decodes base64 text, ignoring ASCII whitespace; `scratch` is reused between calls.
pub(crate) fn decode_base64(text: &str, scratch: &mut Vec<u8>) -> Result<Vec<u8>> {
    let bytes = text.as_bytes();
    let input: &[u8] = if bytes.iter().any(|b| b.is_ascii_whitespace()) {
        scratch.clear();
        scratch.extend(bytes.iter().copied().filter(|b| !b.is_ascii_whitespace()));
        scratch
    } else {
        bytes
    };
    base64::engine::general_purpose::STANDARD
        .decode(input)
        .map_err(|e| {
            Error::new(ErrorKind::Type, format!("invalid base64: {e}"))
                .with_types("base64", "base64")
        })
}

impl<'a> Deserializer<'a> {
    pub(crate) fn new(xml: &'a [u8], config: &Config) -> Self {
        Deserializer {
            tok: Tokenizer::new(xml),
            config: *config,
            depth: 0,
            pending: None,
            names: Vec::new(),
            scratch: Vec::new(),
            at: 0,
        }
    }

    #[cold]
    pub(crate) fn unexpected(&self, found: Mark, expected: &str) -> Error {
        Error::new(
            ErrorKind::Invalid,
            format!("expected {expected}, found {}", found.describe()),
        )
        .at_offset(self.tok.pos())
    }

    #[cold]
    fn mismatch(&self, expected: &'static str, found: &'static str) -> Error {
        Error::mismatch(expected, found).at_offset(self.at)
    }

    #[cold]
    fn mismatch_header(&self, expected: &'static str, h: &Header) -> Error {
        let found = match h {
            Header::Untyped => "string",
            Header::Typed { tag, .. } => tag.type_name(),
        };
        self.mismatch(expected, found)
    }

    /// Reads the start of a `<value>` and of its type element.
    pub(crate) fn begin_value(&mut self) -> Result<Header> {
        if let Some((h, at)) = self.pending.take() {
            self.at = at;
            return Ok(h);
        }
        let open = self.tok.plain_open(Tag::Value)
            || match self.tok.next_mark()? {
                Mark::Start(Tag::Value) => true,
                Mark::Empty(Tag::Value) => false,
                other => return Err(self.unexpected(other, "<value>")),
            };
        self.at = self.tok.pos();
        if self.depth >= self.config.max_depth {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "values nest deeper than the limit of {}",
                    self.config.max_depth
                ),
            )
            .at_offset(self.at));
        }
        if !open {
            self.tok.clear_text();
            return Ok(Header::Untyped);
        }
        let (tag, empty) = match self.tok.next()? {
            Tok::Mark(Mark::End(Tag::Value)) => {
                self.tok.clear_text();
                return Ok(Header::Untyped);
            }
            Tok::Mark(m) => self.type_mark(m)?,
            Tok::Text => match self.tok.next()? {
                Tok::Mark(Mark::End(Tag::Value)) => return Ok(Header::Untyped),
                Tok::Mark(m) => {
                    if !is_xml_ws(self.tok.text().as_bytes()) {
                        return Err(Error::new(
                            ErrorKind::Invalid,
                            "text beside the type element of a <value>",
                        )
                        .at_offset(self.tok.pos()));
                    }
                    self.type_mark(m)?
                }
                Tok::Text => {
                    return Err(
                        Error::new(ErrorKind::Invalid, "unexpected text").at_offset(self.tok.pos())
                    );
                }
            },
        };
        self.at = self.tok.pos();
        self.depth += 1;
        Ok(Header::Typed { tag, empty })
    }

    fn type_mark(&self, m: Mark) -> Result<(Tag, bool)> {
        match m {
            Mark::Start(tag) if tag.is_type() => Ok((tag, false)),
            Mark::Empty(tag) if tag.is_type() => Ok((tag, true)),
            other => Err(self.unexpected(other, "a type element inside <value>")),
        }
    }

    /// Reads the end of a typed `<value>`: whitespace, then `</value>`.
    pub(crate) fn end_value(&mut self) -> Result<()> {
        if self.tok.plain_close(Tag::Value) {
            self.depth -= 1;
            return Ok(());
        }
        match self.tok.next_mark()? {
            Mark::End(Tag::Value) => {
                self.depth -= 1;
                Ok(())
            }
            other => Err(self.unexpected(other, "</value>")),
        }
    }

    /// The text of a scalar type element up to and including its end tag.
    fn leaf_text(&mut self, tag: Tag, empty: bool) -> Result<Cow<'a, str>> {
        self.leaf(tag, empty)?;
        Ok(self.tok.take_text())
    }

    /// Reads a scalar type element up to and including its end tag, leaving its text in
    /// the tokenizer.
    fn leaf(&mut self, tag: Tag, empty: bool) -> Result<()> {
        if empty {
            self.tok.clear_text();
            return Ok(());
        }
        match self.tok.next()? {
            Tok::Mark(Mark::End(_)) => {
                self.tok.clear_text();
                Ok(())
            }
            Tok::Text => match self.tok.next()? {
                Tok::Mark(Mark::End(_)) => Ok(()),
                Tok::Mark(other) => Err(self.element_in_leaf(other, tag)),
                Tok::Text => {
                    Err(Error::new(ErrorKind::Invalid, "unexpected text").at_offset(self.tok.pos()))
                }
            },
            Tok::Mark(other) => Err(self.element_in_leaf(other, tag)),
        }
    }

    #[cold]
    fn element_in_leaf(&self, found: Mark, tag: Tag) -> Error {
        Error::new(
            ErrorKind::Invalid,
            format!(
                "{} inside <{}>, which holds only text",
                found.describe(),
                tag.name()
            ),
        )
        .at_offset(self.tok.pos())
    }

    /// The rest of a `<nil>` element: nothing but whitespace.
    fn nil_body(&mut self, empty: bool) -> Result<()> {
        self.leaf(Tag::Nil, empty)?;
        if is_xml_ws(self.tok.text().as_bytes()) {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::Invalid, "text inside <nil>").at_offset(self.at))
        }
    }

    /// A scalar value read at once by [`Tokenizer::plain_value`], where it is written in
    /// its plainest form and nothing was read ahead; its type (`None` for an untyped
    /// value), with `at` and the depth set as [`begin_value`](Self::begin_value) and
    /// [`leaf`](Self::leaf) leave them. A typed value's `</value>` is then read by
    /// [`end_value`](Self::end_value); an untyped value is read whole.
    #[inline]
    fn plain_scalar(&mut self, typed: fn(Tag) -> bool, untyped: bool) -> Option<Option<Tag>> {
        if self.pending.is_some() || self.depth >= self.config.max_depth {
            return None;
        }
        let (tag, at) = self.tok.plain_value(typed, untyped)?;
        self.at = at;
        if tag.is_some() {
            self.depth += 1;
        }
        Some(tag)
    }

    /// Reads a typed scalar whose type passes `ok` and parses its text with `parse`,
    /// through `</value>`.
    #[inline]
    fn scalar<T>(
        &mut self,
        expected: &'static str,
        ok: fn(Tag) -> bool,
        parse: impl FnOnce(&str, &mut Vec<u8>) -> Result<T>,
    ) -> Result<T> {
        if self.plain_scalar(ok, false).is_some() {
            let v = parse(self.tok.text(), &mut self.scratch)
                .map_err(|e: Error| e.at_offset(self.at))?;
            self.end_value()?;
            return Ok(v);
        }
        match self.begin_value()? {
            Header::Typed { tag, empty } if ok(tag) => {
                self.leaf(tag, empty)?;
                let v = parse(self.tok.text(), &mut self.scratch)
                    .map_err(|e: Error| e.at_offset(self.at))?;
                self.end_value()?;
                Ok(v)
            }
            h => Err(self.mismatch_header(expected, &h)),
        }
    }

    /// The text of a typed scalar whose type passes `ok`, through `</value>`.
    fn scalar_text(&mut self, expected: &'static str, ok: fn(Tag) -> bool) -> Result<Cow<'a, str>> {
        if self.plain_scalar(ok, false).is_some() {
            let text = self.tok.take_text();
            self.end_value()?;
            return Ok(text);
        }
        match self.begin_value()? {
            Header::Typed { tag, empty } if ok(tag) => {
                let text = self.leaf_text(tag, empty)?;
                self.end_value()?;
                Ok(text)
            }
            h => Err(self.mismatch_header(expected, &h)),
        }
    }

    /// A string value: untyped or `<string>`.
    fn read_str(&mut self) -> Result<Cow<'a, str>> {
        if let Some(tag) = self.plain_scalar(|t| t == Tag::String, true) {
            let text = self.tok.take_text();
            if tag.is_some() {
                self.end_value()?;
            }
            return Ok(text);
        }
        match self.begin_value()? {
            Header::Untyped => Ok(self.tok.take_text()),
            Header::Typed {
                tag: Tag::String,
                empty,
            } => {
                let s = self.leaf_text(Tag::String, empty)?;
                self.end_value()?;
                Ok(s)
            }
            h => Err(self.mismatch_header("string", &h)),
        }
    }

    fn read_int<T>(&mut self, ty: &'static str) -> Result<T>
    where
        T: TryFrom<i64> + TryFrom<i128>,
    {
        self.scalar("int", is_int, |t, _| parse_int(t, ty))
    }

    fn read_bool(&mut self) -> Result<bool> {
        self.scalar("boolean", |t| t == Tag::Boolean, |t, _| parse_bool(t))
    }

    fn read_double(&mut self) -> Result<f64> {
        let allow = self.config.allow_non_finite;
        self.scalar(
            "double",
            |t| matches!(t, Tag::Double | Tag::Float),
            |t, _| parse_double(t, allow),
        )
    }

    fn read_base64(&mut self) -> Result<Vec<u8>> {
        self.scalar("base64", |t| t == Tag::Base64, decode_base64)
    }

    /// Reads the members of a `<struct>` whose start tag was read.
    fn read_map<V: Visitor<'a>>(&mut self, visitor: V, empty: bool) -> Result<V::Value> {
        let at = self.at;
        let base = self.names.len();
        let mut acc = MapAcc {
            de: self,
            open: !empty,
            count: 0,
            base,
            set: None,
            key: Cow::Borrowed(""),
        };
        let value = visitor
            .visit_map(&mut acc)
            .map_err(|e: Error| e.at_offset(at))?;
        if acc.open {
            acc.de.expect_end(
                Tag::Struct,
                at,
                "the struct has more members than the receiver reads",
            )?;
        }
        self.names.truncate(base);
        self.end_value()?;
        Ok(value)
    }

    /// Reads the end tag of a struct or array the visitor stopped reading; anything else
    /// means it stopped early, an [`ErrorKind::Type`] error `unread` at `at`.
    fn expect_end(&mut self, end: Tag, at: u64, unread: &'static str) -> Result<()> {
        if self.tok.plain_close(end) {
            return Ok(());
        }
        match self.tok.next_mark()? {
            Mark::End(tag) if tag == end => Ok(()),
            _ => Err(Error::new(ErrorKind::Type, unread).at_offset(at)),
        }
    }

    /// Reads the items of an `<array>` whose start tag was read.
    fn read_seq<V: Visitor<'a>>(&mut self, visitor: V, empty: bool) -> Result<V::Value> {
        let at = self.at;
        let (open, close_array) = if empty {
            (false, false)
        } else if self.tok.plain_open(Tag::Data) {
            (true, true)
        } else {
            match self.tok.next_mark()? {
                Mark::End(Tag::Array) => (false, false),
                Mark::Start(Tag::Data) => (true, true),
                Mark::Empty(Tag::Data) => (false, true),
                other => return Err(self.unexpected(other, "<data>")),
            }
        };
        let mut acc = SeqAcc {
            de: self,
            open,
            count: 0,
        };
        let value = visitor
            .visit_seq(&mut acc)
            .map_err(|e: Error| e.at_offset(at))?;
        if acc.open {
            acc.de.expect_end(
                Tag::Data,
                at,
                "the array has more items than the receiver reads",
            )?;
        }
        if close_array && !self.tok.plain_close(Tag::Array) {
            match self.tok.next_mark()? {
                Mark::End(Tag::Array) => {}
                other => return Err(self.unexpected(other, "</array>")),
            }
        }
        self.end_value()?;
        Ok(value)
    }

    /// Reads `<member><name>…</name>` and checks the name is new in its struct.
    fn member_name(&mut self) -> Result<Cow<'a, str>> {
        if self.tok.plain_leaf(Tag::Name) {
            return Ok(self.tok.take_text());
        }
        match self.tok.next_mark()? {
            Mark::Start(Tag::Name) => self.leaf_text(Tag::Name, false),
            Mark::Empty(Tag::Name) => Ok(Cow::Borrowed("")),
            other => Err(self.unexpected(other, "<name> as the first child of <member>")),
        }
    }

    fn end_member(&mut self) -> Result<()> {
        if self.tok.plain_close(Tag::Member) {
            return Ok(());
        }
        match self.tok.next_mark()? {
            Mark::End(Tag::Member) => Ok(()),
            Mark::Start(Tag::Value) | Mark::Empty(Tag::Value) => Err(Error::new(
                ErrorKind::Invalid,
                "a <member> holds exactly one <value>",
            )
            .at_offset(self.tok.pos())),
            other => Err(self.unexpected(other, "</member>")),
        }
    }

    fn limit_members(&self) -> Error {
        Error::new(
            ErrorKind::Limit,
            format!(
                "a struct has more members than the limit of {}",
                self.config.max_members
            ),
        )
        .at_offset(self.tok.pos())
    }
}

/// Reads struct members.
struct MapAcc<'d, 'a> {
    de: &'d mut Deserializer<'a>,
    /// Whether `</struct>` is still to come.
    open: bool,
    count: usize,
    /// Where this struct's names start in `de.names`.
    base: usize,
    /// The names seen, once the struct grew past `SCAN_MEMBERS`.
    set: Option<HashSet<Cow<'a, str>>>,
    /// The name of the member being read.
    key: Cow<'a, str>,
}

impl<'a> MapAcc<'_, 'a> {
    /// Records `name` as read in this struct; a name read before is an error.
    fn check_new(&mut self, name: Cow<'a, str>, at: u64) -> Result<Cow<'a, str>> {
        let dup = if let Some(set) = &mut self.set {
            !set.insert(name.clone())
        } else {
            let seen = &self.de.names[self.base..];
            if seen.len() < SCAN_MEMBERS {
                let dup = seen.contains(&name);
                self.de.names.push(name.clone());
                dup
            } else {
                let mut set: HashSet<Cow<'a, str>> = seen.iter().cloned().collect();
                let dup = !set.insert(name.clone());
                self.set = Some(set);
                dup
            }
        };
        if dup {
            return Err(Error::new(
                ErrorKind::Invalid,
                format!("duplicate struct member `{}`", super::truncate(&name, 64)),
            )
            .at_offset(at));
        }
        Ok(name)
    }
}

impl<'a> de::MapAccess<'a> for MapAcc<'_, 'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if !self.open {
            return Ok(None);
        }
        if !self.de.tok.plain_open(Tag::Member) {
            if self.de.tok.plain_close(Tag::Struct) {
                self.open = false;
                return Ok(None);
            }
            match self.de.tok.next_mark()? {
                Mark::End(Tag::Struct) => {
                    self.open = false;
                    return Ok(None);
                }
                Mark::Start(Tag::Member) => {}
                other => return Err(self.de.unexpected(other, "<member> or </struct>")),
            }
        }
        let at = self.de.tok.pos();
        if self.count >= self.de.config.max_members {
            return Err(self.de.limit_members());
        }
        self.count += 1;
        let name = self.de.member_name()?;
        let name = self.check_new(name, at)?;
        self.key = name.clone();
        seed.deserialize(StrDe(name)).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'a>>(&mut self, seed: S) -> Result<S::Value> {
        let value = match seed.deserialize(&mut *self.de) {
            Ok(v) => v,
            Err(e) => return Err(e.in_path(PathSegment::Member(self.key.to_string()))),
        };
        self.de.end_member()?;
        Ok(value)
    }
}

/// Reads array items.
struct SeqAcc<'d, 'a> {
    de: &'d mut Deserializer<'a>,
    /// Whether `</data>` is still to come.
    open: bool,
    count: usize,
}

impl<'a> de::SeqAccess<'a> for SeqAcc<'_, 'a> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.open {
            return Ok(None);
        }
        if self.de.tok.plain_close(Tag::Data) {
            self.open = false;
            return Ok(None);
        }
        // A plain `<value>` is left for the item to read (a peek would keep the item's
        // scalar from being read at once).
        if !self.de.tok.plain_sees(Tag::Value)
            && let Mark::End(Tag::Data) = self.de.tok.peek_mark()?
        {
            self.de.tok.next_mark()?;
            self.open = false;
            return Ok(None);
        }
        if self.count >= self.de.config.max_items {
            // At the item's `<value>`, which a plain one was not read up to.
            self.de.tok.peek_mark()?;
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "an array has more items than the limit of {}",
                    self.de.config.max_items
                ),
            )
            .at_offset(self.de.tok.pos()));
        }
        let i = self.count;
        self.count += 1;
        match seed.deserialize(&mut *self.de) {
            Ok(v) => Ok(Some(v)),
            Err(e) => Err(e.in_path(PathSegment::Index(i))),
        }
    }
}

/// The variant of an enum written as `{Name: value}`.
struct VariantAcc<'d, 'a> {
    de: &'d mut Deserializer<'a>,
    name: Cow<'a, str>,
}

impl<'a> de::EnumAccess<'a> for VariantAcc<'_, 'a> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'a>>(self, seed: V) -> Result<(V::Value, Self)> {
        let v = seed.deserialize(StrDe(self.name.clone()))?;
        Ok((v, self))
    }
}

impl<'a> VariantAcc<'_, 'a> {
    fn in_path(&self, e: Error) -> Error {
        e.in_path(PathSegment::Member(self.name.to_string()))
    }
}

impl<'a> de::VariantAccess<'a> for VariantAcc<'_, 'a> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(&mut *self.de).map_err(|e| self.in_path(e))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(&mut *self.de).map_err(|e| self.in_path(e))
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(&mut *self.de, visitor).map_err(|e| self.in_path(e))
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_struct(&mut *self.de, "", fields, visitor)
            .map_err(|e| self.in_path(e))
    }
}

/// A unit variant written as a string.
pub(crate) struct UnitVariant<'a>(pub(crate) Cow<'a, str>);

impl<'de> de::EnumAccess<'de> for UnitVariant<'de> {
    type Error = Error;
    type Variant = UnitOnly;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, UnitOnly)> {
        Ok((seed.deserialize(StrDe(self.0))?, UnitOnly))
    }
}

/// The variant access of a variant named by a bare string: only unit variants fit.
pub(crate) struct UnitOnly;

#[cold]
fn needs_struct() -> Error {
    Error::mismatch("struct", "string").with_types("struct", "string")
}

impl<'de> de::VariantAccess<'de> for UnitOnly {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value> {
        Err(needs_struct())
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(needs_struct())
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(needs_struct())
    }
}

/// A string as a deserializer: struct member names (as keys, which may also be read as
/// numbers) and the text of a `<dateTime.iso8601>`.
pub(crate) struct StrDe<'a>(pub(crate) Cow<'a, str>);

macro_rules! str_de_int {
    ($($method:ident => $visit:ident: $ty:ty),*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match trim_ascii(&self.0).parse::<$ty>() {
                Ok(n) => visitor.$visit(n),
                Err(_) => self.deserialize_any(visitor),
            }
        })*
    };
}

impl<'de> de::Deserializer<'de> for StrDe<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visit_cow(visitor, self.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_enum(UnitVariant(self.0))
    }

    str_de_int! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128
    }

    serde::forward_to_deserialize_any! {
        bool f32 f64 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

macro_rules! de_int {
    ($($method:ident => $visit:ident: $ty:ty),*) => {
        $(fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
            let v = self.read_int::<$ty>(stringify!($ty))?;
            visitor.$visit(v).map_err(|e: Error| e.at_offset(self.at))
        })*
    };
}

impl<'a> de::Deserializer<'a> for &mut Deserializer<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let (tag, empty) = match self.begin_value()? {
            Header::Untyped => return visit_cow(visitor, self.tok.take_text()),
            Header::Typed { tag, empty } => (tag, empty),
        };
        let at = self.at;
        let r = match tag {
            Tag::Struct => return self.read_map(visitor, empty),
            Tag::Array => return self.read_seq(visitor, empty),
            Tag::Nil => {
                self.nil_body(empty)?;
                self.end_value()?;
                visitor.visit_unit()
            }
            _ => {
                let text = self.leaf_text(tag, empty)?;
                self.end_value()?;
                match tag {
                    Tag::String => visit_cow(visitor, text),
                    Tag::I4 | Tag::Int | Tag::I1 | Tag::I2 => {
                        let v: i64 = parse_int(&text, "int").map_err(|e: Error| e.at_offset(at))?;
                        match i32::try_from(v) {
                            Ok(small) => visitor.visit_i32(small),
                            Err(_) => visitor.visit_i64(v),
                        }
                    }
                    Tag::I8 | Tag::BigInteger => {
                        let v: i64 = parse_int(&text, "i8").map_err(|e: Error| e.at_offset(at))?;
                        visitor.visit_i64(v)
                    }
                    Tag::Boolean => {
                        visitor.visit_bool(parse_bool(&text).map_err(|e: Error| e.at_offset(at))?)
                    }
                    Tag::Double | Tag::Float => visitor.visit_f64(
                        parse_double(&text, self.config.allow_non_finite)
                            .map_err(|e: Error| e.at_offset(at))?,
                    ),
                    Tag::Base64 => visitor.visit_byte_buf(
                        decode_base64(&text, &mut self.scratch)
                            .map_err(|e: Error| e.at_offset(at))?,
                    ),
                    Tag::DateTime => {
                        check_datetime(&text).map_err(|e| e.at_offset(at))?;
                        visitor.visit_newtype_struct(StrDe(text))
                    }
                    _ => Err(Error::new(ErrorKind::Invalid, "not a type element")),
                }
            }
        };
        r.map_err(|e: Error| e.at_offset(at))
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let v = self.read_bool()?;
        visitor
            .visit_bool(v)
            .map_err(|e: Error| e.at_offset(self.at))
    }

    de_int! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128
    }

    fn deserialize_f32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let v = self.read_double()?;
        visitor
            .visit_f32(v as f32)
            .map_err(|e: Error| e.at_offset(self.at))
    }

    fn deserialize_f64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let v = self.read_double()?;
        visitor
            .visit_f64(v)
            .map_err(|e: Error| e.at_offset(self.at))
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let s = self.read_str()?;
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => visitor
                .visit_char(c)
                .map_err(|e: Error| e.at_offset(self.at)),
            _ => Err(Error::new(
                ErrorKind::Type,
                "expected a string of exactly one character",
            )
            .with_types("char", "string")
            .at_offset(self.at)),
        }
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let s = self.read_str()?;
        visit_cow(visitor, s).map_err(|e: Error| e.at_offset(self.at))
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let v = self.read_base64()?;
        visitor
            .visit_byte_buf(v)
            .map_err(|e: Error| e.at_offset(self.at))
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let h = self.begin_value()?;
        if let Header::Typed {
            tag: Tag::Nil,
            empty,
        } = h
        {
            self.nil_body(empty)?;
            self.end_value()?;
            return visitor.visit_none();
        }
        self.pending = Some((h, self.at));
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.begin_value()? {
            Header::Typed {
                tag: Tag::Nil,
                empty,
            } => {
                self.nil_body(empty)?;
                self.end_value()?;
                visitor.visit_unit()
            }
            h => Err(self.mismatch_header("nil", &h)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if name == DATETIME_TOKEN {
            let text = self.scalar_text("dateTime.iso8601", |t| t == Tag::DateTime)?;
            check_datetime(&text).map_err(|e| e.at_offset(self.at))?;
            return visitor
                .visit_newtype_struct(StrDe(text))
                .map_err(|e: Error| e.at_offset(self.at));
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.begin_value()? {
            Header::Typed {
                tag: Tag::Array,
                empty,
            } => self.read_seq(visitor, empty),
            h => Err(self.mismatch_header("array", &h)),
        }
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.begin_value()? {
            Header::Typed {
                tag: Tag::Struct,
                empty,
            } => self.read_map(visitor, empty),
            h => Err(self.mismatch_header("struct", &h)),
        }
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let at;
        let value = match self.begin_value()? {
            Header::Untyped => {
                at = self.at;
                visitor.visit_enum(UnitVariant(self.tok.take_text()))
            }
            Header::Typed {
                tag: Tag::String,
                empty,
            } => {
                at = self.at;
                let s = self.leaf_text(Tag::String, empty)?;
                self.end_value()?;
                visitor.visit_enum(UnitVariant(s))
            }
            Header::Typed {
                tag: Tag::Struct,
                empty: false,
            } => {
                at = self.at;
                let one_member = || {
                    Error::new(
                        ErrorKind::Type,
                        "an enum variant with data is a struct of exactly one member",
                    )
                    .with_types("enum", "struct")
                    .at_offset(at)
                };
                match self.tok.next_mark()? {
                    Mark::Start(Tag::Member) => {}
                    Mark::End(Tag::Struct) => return Err(one_member()),
                    other => return Err(self.unexpected(other, "<member>")),
                }
                let name = self.member_name()?;
                let v = visitor.visit_enum(VariantAcc {
                    de: &mut *self,
                    name,
                })?;
                self.end_member()?;
                match self.tok.next_mark()? {
                    Mark::End(Tag::Struct) => {}
                    Mark::Start(Tag::Member) => return Err(one_member()),
                    other => return Err(self.unexpected(other, "</struct>")),
                }
                self.end_value()?;
                Ok(v)
            }
            h => return Err(self.mismatch_header("string or struct (an enum)", &h)),
        };
        value.map_err(|e: Error| e.at_offset(at))
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_xml_whitespace_only() {
        for (s, trimmed) in [
            (" \t\n\r5\r\n ", "5"),
            ("5", "5"),
            ("", ""),
            (" \n ", ""),
            (" é ", "é"),
            ("a b", "a b"),
            ("\u{c}5\u{c}", "\u{c}5\u{c}"),
            ("\u{a0}5", "\u{a0}5"),
        ] {
            assert_eq!(trim_ascii(s), trimmed, "{s:?}");
        }
    }
}
