//! The serde `Serializer` that writes one `<value>…</value>` element straight into a
//! byte buffer.

use std::io::Write as _;

use base64::Engine as _;
use serde::ser::{self, Impossible, Serialize};

use super::escape::{escape_into, unescape_own};
use crate::config::Config;
use crate::datetime::DATETIME_TOKEN;
use crate::error::{Error, ErrorKind, PathSegment, Result};

/// The newtype name under which [`Value::Long`](crate::Value::Long) serializes its `i64`:
/// this crate's serializers write it as `<i8>` whatever its size, other formats see a plain
/// integer.
pub(crate) const I8_TOKEN: &str = "$rpc_runtime::i8";

/// How many `Option`s and newtype structs may wrap one value: serde recursion that does not
/// nest arrays or structs must be bounded too.
pub(crate) const MAX_WRAPPERS: usize = 128;

/// What a scalar inside a recognised newtype becomes (for the writer and for `to_value`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The plain mapping.
    Plain,
    /// Inside [`I8_TOKEN`]: integers are always `<i8>`.
    Long,
    /// Inside [`DATETIME_TOKEN`]: a string is the `<dateTime.iso8601>` text.
    DateTime,
}

impl Mode {
    /// The mode inside the newtype struct `name`.
    pub(crate) fn of_newtype(name: &str) -> Mode {
        if name == DATETIME_TOKEN {
            Mode::DateTime
        } else if name == I8_TOKEN {
            Mode::Long
        } else {
            Mode::Plain
        }
    }
}

/// Writes one `<value>` element.
pub(crate) struct ValueSerializer<'a> {
    out: &'a mut Vec<u8>,
    config: &'a Config,
    /// Depth of this value: 1 for a parameter.
    depth: usize,
    /// Newtype and `Option` wrappers around this value so far.
    wraps: usize,
    mode: Mode,
}

impl<'a> ValueSerializer<'a> {
    /// A serializer for a value at `depth` (1 for a parameter or a response value).
    pub(crate) fn new(out: &'a mut Vec<u8>, config: &'a Config, depth: usize) -> Self {
        ValueSerializer {
            out,
            config,
            depth,
            wraps: 0,
            mode: Mode::Plain,
        }
    }

    /// The serializer for the next value down, checking the depth limit.
    #[inline]
    fn child<'b>(
        out: &'b mut Vec<u8>,
        config: &'b Config,
        depth: usize,
    ) -> Result<ValueSerializer<'b>> {
        if depth > config.max_depth {
            return Err(too_deep(config.max_depth));
        }
        Ok(ValueSerializer::new(out, config, depth))
    }

    #[inline]
    fn wrapped(self, mode: Mode) -> Result<Self> {
        if self.wraps >= MAX_WRAPPERS {
            return Err(too_many_wrappers());
        }
        Ok(ValueSerializer {
            wraps: self.wraps + 1,
            mode,
            ..self
        })
    }

    #[inline]
    fn int(self, v: i64) -> Result<()> {
        if self.mode == Mode::Long {
            write_i8(self.out, v);
        } else {
            write_int(self.out, v);
        }
        Ok(())
    }

    /// An integer wider than 32 bits: `<i4>` or `<i8>` as it fits, an error past i64.
    #[inline]
    fn wide_int<T: TryInto<i64> + std::fmt::Display + Copy>(self, v: T) -> Result<()> {
        match v.try_into() {
            Ok(v) => self.int(v),
            Err(_) => Err(int_too_large(v)),
        }
    }

    /// Opens a struct holding the one member `name`, for enum variants.
    fn open_variant(&mut self, name: &str) -> Result<()> {
        if self.depth + 1 > self.config.max_depth {
            return Err(too_deep(self.config.max_depth));
        }
        self.out.extend_from_slice(b"<value><struct><member><name>");
        escape_into(self.out, name)?;
        self.out.extend_from_slice(b"</name>");
        Ok(())
    }
}

/// More newtypes or options around one value than [`MAX_WRAPPERS`].
#[cold]
pub(crate) fn too_many_wrappers() -> Error {
    Error::new(
        ErrorKind::Limit,
        format!("more than {MAX_WRAPPERS} newtypes or options around one value"),
    )
}

#[cold]
pub(crate) fn too_deep(max: usize) -> Error {
    Error::new(
        ErrorKind::Limit,
        format!("arrays and structs nest deeper than the limit of {max}"),
    )
}

#[cold]
pub(crate) fn int_too_large(v: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Encode,
        format!("integer {v} does not fit the 64 bits of <i8>"),
    )
}

/// Appends the decimal digits of `v`.
#[inline]
pub(crate) fn push_i64(out: &mut Vec<u8>, v: i64) {
    let mut buf = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut pos = buf.len();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[pos..]);
}

/// `<value><i4>v</i4></value>` when `v` fits 32 bits, else `<value><i8>v</i8></value>`.
#[inline]
fn write_int(out: &mut Vec<u8>, v: i64) {
    if i32::try_from(v).is_ok() {
        out.extend_from_slice(b"<value><i4>");
        push_i64(out, v);
        out.extend_from_slice(b"</i4></value>");
    } else {
        write_i8(out, v);
    }
}

#[inline]
fn write_i8(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(b"<value><i8>");
    push_i64(out, v);
    out.extend_from_slice(b"</i8></value>");
}

/// Appends a double in plain decimal that reads back to the same number: Rust's `Display`
/// (shortest round-trip digits, never an exponent), plus `.0` when it has no `.`.
/// `value` is `f32` or `f64`, so an `f32` gets its own shortest digits.
fn write_double<F: std::fmt::Display + Into<f64> + Copy>(
    out: &mut Vec<u8>,
    v: F,
    config: &Config,
) -> Result<()> {
    let wide: f64 = v.into();
    if !wide.is_finite() {
        if !config.allow_non_finite {
            return Err(Error::new(
                ErrorKind::Encode,
                format!(
                    "double {wide} is not finite: XML-RPC has no infinity or NaN (see Config::allow_non_finite)"
                ),
            ));
        }
        let text: &[u8] = if wide.is_nan() {
            b"nan"
        } else if wide > 0.0 {
            b"inf"
        } else {
            b"-inf"
        };
        out.extend_from_slice(b"<value><double>");
        out.extend_from_slice(text);
        out.extend_from_slice(b"</double></value>");
        return Ok(());
    }
    out.extend_from_slice(b"<value><double>");
    let start = out.len();
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{v}");
    if !out[start..].contains(&b'.') {
        out.extend_from_slice(b".0");
    }
    out.extend_from_slice(b"</double></value>");
    Ok(())
}

/// Appends `<value><base64>…</base64></value>`, encoded on one line straight into `out`.
pub(crate) fn write_base64(out: &mut Vec<u8>, bytes: &[u8]) -> Result<()> {
    let len = base64::encoded_len(bytes.len(), true)
        .ok_or_else(|| Error::new(ErrorKind::Encode, "byte string too long for base64"))?;
    out.extend_from_slice(b"<value><base64>");
    let start = out.len();
    out.resize(start + len, 0);
    base64::engine::general_purpose::STANDARD
        .encode_slice(bytes, &mut out[start..])
        .map_err(|e| Error::new(ErrorKind::Encode, e.to_string()))?;
    out.extend_from_slice(b"</base64></value>");
    Ok(())
}

#[inline]
fn write_string(out: &mut Vec<u8>, v: &str) -> Result<()> {
    out.extend_from_slice(b"<value><string>");
    escape_into(out, v)?;
    out.extend_from_slice(b"</string></value>");
    Ok(())
}

impl<'a> ser::Serializer for ValueSerializer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = SeqWriter<'a>;
    type SerializeTuple = SeqWriter<'a>;
    type SerializeTupleStruct = SeqWriter<'a>;
    type SerializeTupleVariant = SeqWriter<'a>;
    type SerializeMap = MapWriter<'a>;
    type SerializeStruct = StructWriter<'a>;
    type SerializeStructVariant = StructWriter<'a>;

    #[inline]
    fn serialize_bool(self, v: bool) -> Result<()> {
        self.out.extend_from_slice(if v {
            b"<value><boolean>1</boolean></value>"
        } else {
            b"<value><boolean>0</boolean></value>"
        });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<()> {
        self.int(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.int(i64::from(v))
    }
    #[inline]
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.int(i64::from(v))
    }
    #[inline]
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.int(v)
    }
    fn serialize_i128(self, v: i128) -> Result<()> {
        self.wide_int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.int(i64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.int(i64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.int(i64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.wide_int(v)
    }
    fn serialize_u128(self, v: u128) -> Result<()> {
        self.wide_int(v)
    }

    fn serialize_f32(self, v: f32) -> Result<()> {
        write_double(self.out, v, self.config)
    }
    #[inline]
    fn serialize_f64(self, v: f64) -> Result<()> {
        write_double(self.out, v, self.config)
    }

    fn serialize_char(self, v: char) -> Result<()> {
        write_string(self.out, v.encode_utf8(&mut [0; 4]))
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<()> {
        if self.mode == Mode::DateTime {
            self.out.extend_from_slice(b"<value><dateTime.iso8601>");
            escape_into(self.out, v)?;
            self.out.extend_from_slice(b"</dateTime.iso8601></value>");
            return Ok(());
        }
        write_string(self.out, v)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        write_base64(self.out, v)
    }

    fn serialize_none(self) -> Result<()> {
        self.out.extend_from_slice(b"<value><nil/></value>");
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        value.serialize(self.wrapped(Mode::Plain)?)
    }

    fn serialize_unit(self) -> Result<()> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.serialize_none()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        write_string(self.out, variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self.wrapped(Mode::of_newtype(name))?)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.open_variant(variant)?;
        value
            .serialize(ValueSerializer::new(self.out, self.config, self.depth + 1))
            .map_err(|e| e.in_path(PathSegment::Member(variant.to_owned())))?;
        self.out.extend_from_slice(b"</member></struct></value>");
        Ok(())
    }

    #[inline]
    fn serialize_seq(self, _len: Option<usize>) -> Result<SeqWriter<'a>> {
        self.out.extend_from_slice(b"<value><array><data>");
        Ok(SeqWriter {
            out: self.out,
            config: self.config,
            depth: self.depth,
            index: 0,
            variant: None,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqWriter<'a>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqWriter<'a>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<SeqWriter<'a>> {
        self.open_variant(variant)?;
        self.out.extend_from_slice(b"<value><array><data>");
        Ok(SeqWriter {
            out: self.out,
            config: self.config,
            depth: self.depth + 1,
            index: 0,
            variant: Some(variant),
        })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<MapWriter<'a>> {
        self.out.extend_from_slice(b"<value><struct>");
        Ok(MapWriter {
            out: self.out,
            config: self.config,
            depth: self.depth,
            key: None,
        })
    }

    #[inline]
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<StructWriter<'a>> {
        self.out.extend_from_slice(b"<value><struct>");
        Ok(StructWriter {
            out: self.out,
            config: self.config,
            depth: self.depth,
            variant: None,
        })
    }

    fn serialize_struct_variant(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<StructWriter<'a>> {
        self.open_variant(variant)?;
        self.out.extend_from_slice(b"<value><struct>");
        Ok(StructWriter {
            out: self.out,
            config: self.config,
            depth: self.depth + 1,
            variant: Some(variant),
        })
    }
}

/// Writes the items of an `<array>`: sequences, tuples, tuple structs and tuple variants.
pub(crate) struct SeqWriter<'a> {
    out: &'a mut Vec<u8>,
    config: &'a Config,
    /// Depth of the array.
    depth: usize,
    index: usize,
    /// For a tuple variant, the one member of the struct around the array.
    variant: Option<&'static str>,
}

impl SeqWriter<'_> {
    #[inline]
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        let result = ValueSerializer::child(self.out, self.config, self.depth + 1)
            .and_then(|s| value.serialize(s));
        if let Err(e) = result {
            let e = e.in_path(PathSegment::Index(self.index));
            return Err(match self.variant {
                Some(v) => e.in_path(PathSegment::Member(v.to_owned())),
                None => e,
            });
        }
        self.index += 1;
        Ok(())
    }

    #[inline]
    fn finish(self) -> Result<()> {
        self.out.extend_from_slice(if self.variant.is_some() {
            b"</data></array></value></member></struct></value>"
        } else {
            b"</data></array></value>"
        });
        Ok(())
    }
}

impl ser::SerializeSeq for SeqWriter<'_> {
    type Ok = ();
    type Error = Error;
    #[inline]
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    #[inline]
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for SeqWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

/// Writes the members of a `<struct>` for Rust structs and struct variants.
pub(crate) struct StructWriter<'a> {
    out: &'a mut Vec<u8>,
    config: &'a Config,
    /// Depth of the struct.
    depth: usize,
    /// For a struct variant, the one member of the struct around this one.
    variant: Option<&'static str>,
}

impl StructWriter<'_> {
    #[inline]
    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.out.extend_from_slice(b"<member><name>");
        let result = escape_into(self.out, key).and_then(|()| {
            self.out.extend_from_slice(b"</name>");
            ValueSerializer::child(self.out, self.config, self.depth + 1)
                .and_then(|s| value.serialize(s))
        });
        if let Err(e) = result {
            let e = e.in_path(PathSegment::Member(key.to_owned()));
            return Err(match self.variant {
                Some(v) => e.in_path(PathSegment::Member(v.to_owned())),
                None => e,
            });
        }
        self.out.extend_from_slice(b"</member>");
        Ok(())
    }

    #[inline]
    fn finish(self) -> Result<()> {
        self.out.extend_from_slice(if self.variant.is_some() {
            b"</struct></value></member></struct></value>"
        } else {
            b"</struct></value>"
        });
        Ok(())
    }
}

impl ser::SerializeStruct for StructWriter<'_> {
    type Ok = ();
    type Error = Error;
    #[inline]
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    #[inline]
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for StructWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

/// Writes the members of a `<struct>` for maps (and `#[serde(flatten)]`).
pub(crate) struct MapWriter<'a> {
    out: &'a mut Vec<u8>,
    config: &'a Config,
    /// Depth of the struct.
    depth: usize,
    /// Where the escaped name of the member awaiting its value sits in `out`.
    key: Option<(usize, usize)>,
}

#[cold]
fn map_misuse(what: &str) -> Error {
    Error::new(ErrorKind::Encode, format!("map serialized {what}"))
}

impl ser::SerializeMap for MapWriter<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        if self.key.is_some() {
            return Err(map_misuse("two keys in a row"));
        }
        self.out.extend_from_slice(b"<member><name>");
        let start = self.out.len();
        key.serialize(KeyWriter { out: self.out })?;
        self.key = Some((start, self.out.len()));
        self.out.extend_from_slice(b"</name>");
        Ok(())
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        let Some((start, end)) = self.key.take() else {
            return Err(map_misuse("a value without a key"));
        };
        let result = ValueSerializer::child(self.out, self.config, self.depth + 1)
            .and_then(|s| value.serialize(s));
        if let Err(e) = result {
            let name = unescape_own(&self.out[start..end]);
            return Err(e.in_path(PathSegment::Member(name)));
        }
        self.out.extend_from_slice(b"</member>");
        Ok(())
    }

    fn end(self) -> Result<()> {
        if self.key.is_some() {
            return Err(map_misuse("a key without a value"));
        }
        self.out.extend_from_slice(b"</struct></value>");
        Ok(())
    }
}

/// The name of a struct member: a string, a char, a unit variant's name, or a newtype
/// around one of them.
#[cold]
pub(crate) fn bad_key(found: &str) -> Error {
    Error::new(
        ErrorKind::Encode,
        format!("struct member names must be strings, found {found}"),
    )
}

/// Implements the `Serializer` methods a member name refuses: booleans and numbers (both
/// member-name serializers, the writer's and `to_value`'s, refuse the same ones).
macro_rules! refuse_key_scalars {
    () => {
        refuse_key_scalars! {
            serialize_bool(bool) => "a boolean",
            serialize_i8(i8) => "an integer",
            serialize_i16(i16) => "an integer",
            serialize_i32(i32) => "an integer",
            serialize_i64(i64) => "an integer",
            serialize_i128(i128) => "an integer",
            serialize_u8(u8) => "an integer",
            serialize_u16(u16) => "an integer",
            serialize_u32(u32) => "an integer",
            serialize_u64(u64) => "an integer",
            serialize_u128(u128) => "an integer",
            serialize_f32(f32) => "a double",
            serialize_f64(f64) => "a double",
        }
    };
    ($($method:ident($ty:ty) => $found:literal),* $(,)?) => {
        $(fn $method(self, _v: $ty) -> Result<Self::Ok> {
            Err(bad_key($found))
        })*
    };
}
pub(crate) use refuse_key_scalars;

/// Implements the compound `Serializer` methods a member name refuses.
macro_rules! refuse_key_compounds {
    () => {
        fn serialize_bytes(self, _v: &[u8]) -> Result<Self::Ok> {
            Err(bad_key("bytes"))
        }
        fn serialize_none(self) -> Result<Self::Ok> {
            Err(bad_key("none"))
        }
        fn serialize_some<T: ?Sized + Serialize>(self, _v: &T) -> Result<Self::Ok> {
            Err(bad_key("an option"))
        }
        fn serialize_unit(self) -> Result<Self::Ok> {
            Err(bad_key("unit"))
        }
        fn serialize_unit_struct(self, _name: &'static str) -> Result<Self::Ok> {
            Err(bad_key("a unit struct"))
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _value: &T,
        ) -> Result<Self::Ok> {
            Err(bad_key("a newtype variant"))
        }
        fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
            Err(bad_key("a sequence"))
        }
        fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
            Err(bad_key("a tuple"))
        }
        fn serialize_tuple_struct(
            self,
            _name: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeTupleStruct> {
            Err(bad_key("a tuple struct"))
        }
        fn serialize_tuple_variant(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeTupleVariant> {
            Err(bad_key("a tuple variant"))
        }
        fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
            Err(bad_key("a map"))
        }
        fn serialize_struct(
            self,
            _name: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeStruct> {
            Err(bad_key("a struct"))
        }
        fn serialize_struct_variant(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeStructVariant> {
            Err(bad_key("a struct variant"))
        }
    };
}
pub(crate) use refuse_key_compounds;

/// Writes a member name, escaped, into the buffer.
struct KeyWriter<'a> {
    out: &'a mut Vec<u8>,
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<()> {
        escape_into(self.out, v)
    }
    fn serialize_char(self, v: char) -> Result<()> {
        escape_into(self.out, v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        escape_into(self.out, variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }

    refuse_key_scalars!();
    refuse_key_compounds!();
}
