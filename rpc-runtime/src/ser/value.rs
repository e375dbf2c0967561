//! [`Value`] in serde's data model: `impl Serialize for Value`, and [`to_value`], a
//! `Serializer` that builds a `Value`.

use serde::ser::{self, Impossible, Serialize, SerializeMap as _};

use super::serializer::{
    I8_TOKEN, MAX_WRAPPERS, Mode, bad_key, int_too_large, refuse_key_compounds, refuse_key_scalars,
    too_deep, too_many_wrappers,
};
use crate::config::Config;
use crate::datetime::DateTime;
use crate::error::{Error, ErrorKind, PathSegment, Result};
use crate::value::{Struct, Value};

impl Serialize for Value {
    /// Writes each variant as its own wire type. This crate's serializers keep
    /// [`Value::Long`] as `<i8>` even when it is small (it goes through a newtype they
    /// recognise; other formats see a plain `i64`), and [`Value::DateTime`] as
    /// `<dateTime.iso8601>`.
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Int(i) => serializer.serialize_i32(*i),
            Value::Long(i) => serializer.serialize_newtype_struct(I8_TOKEN, i),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::String(s) => serializer.serialize_str(s),
            Value::Double(d) => serializer.serialize_f64(*d),
            Value::DateTime(d) => d.serialize(serializer),
            Value::Binary(b) => serializer.serialize_bytes(b),
            Value::Struct(s) => {
                let mut map = serializer.serialize_map(Some(s.len()))?;
                for (name, value) in s.iter() {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
            Value::Array(items) => serializer.collect_seq(items),
            Value::Nil => serializer.serialize_unit(),
        }
    }
}

/// Converts any serializable value into a [`Value`], with the mapping the XML writer uses:
///
/// * `i8`, `i16`, `i32`, `u8`, `u16` become [`Value::Int`]; `i64`, `u32`, `u64`, `i128`,
///   `u128` become `Int` when they fit 32 bits, [`Value::Long`] when they fit 64, and an
///   [`ErrorKind::Encode`] error beyond;
/// * bytes become [`Value::Binary`], [`DateTime`] becomes [`Value::DateTime`];
/// * `None`, `()` and unit structs become [`Value::Nil`];
/// * maps (keys must be strings) and structs become [`Value::Struct`] in order, a later
///   duplicate key replacing the earlier value;
/// * enums are externally tagged: a unit variant is its name as a string, the others a
///   struct with the variant's name as its one member.
///
/// Doubles are kept as they are, non-finite ones included: writing the `Value` checks them
/// against [`Config::allow_non_finite`]. Nesting is bounded by the default
/// [`Config::max_depth`].
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    value.serialize(ValueBuilder::new(1))
}

/// Builds one [`Value`].
struct ValueBuilder {
    /// Depth of this value: 1 at the top.
    depth: usize,
    wraps: usize,
    mode: Mode,
}

const MAX_DEPTH: usize = Config::DEFAULT.max_depth;

impl ValueBuilder {
    fn new(depth: usize) -> Self {
        ValueBuilder {
            depth,
            wraps: 0,
            mode: Mode::Plain,
        }
    }

    fn child(depth: usize) -> Result<Self> {
        if depth > MAX_DEPTH {
            return Err(too_deep(MAX_DEPTH));
        }
        Ok(ValueBuilder::new(depth))
    }

    fn wrapped(self, mode: Mode) -> Result<Self> {
        if self.wraps >= MAX_WRAPPERS {
            return Err(too_many_wrappers());
        }
        Ok(ValueBuilder {
            wraps: self.wraps + 1,
            mode,
            ..self
        })
    }

    fn int(self, v: i64) -> Value {
        match i32::try_from(v) {
            Ok(i) if self.mode != Mode::Long => Value::Int(i),
            _ => Value::Long(v),
        }
    }

    fn wide_int<T: TryInto<i64> + std::fmt::Display + Copy>(self, v: T) -> Result<Value> {
        match v.try_into() {
            Ok(v) => Ok(self.int(v)),
            Err(_) => Err(int_too_large(v)),
        }
    }

    fn variant_depth(&self) -> Result<usize> {
        if self.depth + 1 > MAX_DEPTH {
            return Err(too_deep(MAX_DEPTH));
        }
        Ok(self.depth + 1)
    }
}

fn one_member(name: &str, value: Value) -> Value {
    let mut s = Struct::with_capacity(1);
    s.push_unchecked(name.to_owned(), value);
    Value::Struct(s)
}

impl ser::Serializer for ValueBuilder {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = SeqBuilder;
    type SerializeTuple = SeqBuilder;
    type SerializeTupleStruct = SeqBuilder;
    type SerializeTupleVariant = SeqBuilder;
    type SerializeMap = MapBuilder;
    type SerializeStruct = MapBuilder;
    type SerializeStructVariant = MapBuilder;

    fn serialize_bool(self, v: bool) -> Result<Value> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value> {
        Ok(self.int(i64::from(v)))
    }
    fn serialize_i16(self, v: i16) -> Result<Value> {
        Ok(self.int(i64::from(v)))
    }
    fn serialize_i32(self, v: i32) -> Result<Value> {
        Ok(self.int(i64::from(v)))
    }
    fn serialize_i64(self, v: i64) -> Result<Value> {
        Ok(self.int(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Value> {
        self.wide_int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Value> {
        Ok(self.int(i64::from(v)))
    }
    fn serialize_u16(self, v: u16) -> Result<Value> {
        Ok(self.int(i64::from(v)))
    }
    fn serialize_u32(self, v: u32) -> Result<Value> {
        Ok(self.int(i64::from(v)))
    }
    fn serialize_u64(self, v: u64) -> Result<Value> {
        self.wide_int(v)
    }
    fn serialize_u128(self, v: u128) -> Result<Value> {
        self.wide_int(v)
    }
    fn serialize_f32(self, v: f32) -> Result<Value> {
        // Through the shortest decimal of the f32, so 0.1f32 becomes 0.1, not 0.100000001…
        let wide = if v.is_finite() {
            v.to_string().parse::<f64>().unwrap_or(f64::from(v))
        } else {
            f64::from(v)
        };
        Ok(Value::Double(wide))
    }
    fn serialize_f64(self, v: f64) -> Result<Value> {
        Ok(Value::Double(v))
    }
    fn serialize_char(self, v: char) -> Result<Value> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value> {
        if self.mode == Mode::DateTime {
            return DateTime::parse(v)
                .map(Value::DateTime)
                .map_err(|e| Error::new(ErrorKind::Encode, e.message().to_owned()));
        }
        Ok(Value::String(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value> {
        Ok(Value::Binary(v.to_vec()))
    }
    fn serialize_none(self) -> Result<Value> {
        Ok(Value::Nil)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Value> {
        value.serialize(self.wrapped(Mode::Plain)?)
    }
    fn serialize_unit(self) -> Result<Value> {
        Ok(Value::Nil)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value> {
        Ok(Value::Nil)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value> {
        Ok(Value::String(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value> {
        value.serialize(self.wrapped(Mode::of_newtype(name))?)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value> {
        let inner = value
            .serialize(ValueBuilder::new(self.variant_depth()?))
            .map_err(|e| e.in_path(PathSegment::Member(variant.to_owned())))?;
        Ok(one_member(variant, inner))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder> {
        Ok(SeqBuilder {
            items: Vec::with_capacity(len.unwrap_or(0).min(4096)),
            depth: self.depth,
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqBuilder> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqBuilder> {
        Ok(SeqBuilder {
            items: Vec::with_capacity(len.min(4096)),
            depth: self.variant_depth()?,
            variant: Some(variant),
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder> {
        Ok(MapBuilder {
            members: Struct::with_capacity(len.unwrap_or(0).min(4096)),
            key: None,
            depth: self.depth,
            variant: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapBuilder> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<MapBuilder> {
        Ok(MapBuilder {
            members: Struct::with_capacity(len.min(4096)),
            key: None,
            depth: self.variant_depth()?,
            variant: Some(variant),
        })
    }
}

/// Builds a [`Value::Array`].
struct SeqBuilder {
    items: Vec<Value>,
    /// Depth of the array.
    depth: usize,
    variant: Option<&'static str>,
}

impl SeqBuilder {
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        match ValueBuilder::child(self.depth + 1).and_then(|b| value.serialize(b)) {
            Ok(v) => {
                self.items.push(v);
                Ok(())
            }
            Err(e) => {
                let e = e.in_path(PathSegment::Index(self.items.len()));
                Err(match self.variant {
                    Some(v) => e.in_path(PathSegment::Member(v.to_owned())),
                    None => e,
                })
            }
        }
    }

    fn finish(self) -> Value {
        let array = Value::Array(self.items);
        match self.variant {
            Some(v) => one_member(v, array),
            None => array,
        }
    }
}

impl ser::SerializeSeq for SeqBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for SeqBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for SeqBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleVariant for SeqBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

/// Builds a [`Value::Struct`] from a map, a struct or a struct variant.
struct MapBuilder {
    members: Struct,
    key: Option<String>,
    /// Depth of the struct.
    depth: usize,
    variant: Option<&'static str>,
}

impl MapBuilder {
    fn member<T: ?Sized + Serialize>(&mut self, name: String, value: &T) -> Result<()> {
        match ValueBuilder::child(self.depth + 1).and_then(|b| value.serialize(b)) {
            Ok(v) => {
                self.members.insert(name, v);
                Ok(())
            }
            Err(e) => {
                let e = e.in_path(PathSegment::Member(name));
                Err(match self.variant {
                    Some(v) => e.in_path(PathSegment::Member(v.to_owned())),
                    None => e,
                })
            }
        }
    }

    fn finish(self) -> Value {
        let s = Value::Struct(self.members);
        match self.variant {
            Some(v) => one_member(v, s),
            None => s,
        }
    }
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        if self.key.is_some() {
            return Err(Error::new(
                ErrorKind::Encode,
                "map serialized two keys in a row",
            ));
        }
        self.key = Some(key.serialize(KeyBuilder)?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        let Some(name) = self.key.take() else {
            return Err(Error::new(
                ErrorKind::Encode,
                "map serialized a value without a key",
            ));
        };
        self.member(name, value)
    }
    fn end(self) -> Result<Value> {
        if self.key.is_some() {
            return Err(Error::new(
                ErrorKind::Encode,
                "map serialized a key without a value",
            ));
        }
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for MapBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.member(key.to_owned(), value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for MapBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.member(key.to_owned(), value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

/// Turns a map key into a member name: a string, a char, a unit variant's name, or a
/// newtype around one of them.
struct KeyBuilder;

impl ser::Serializer for KeyBuilder {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Impossible<String, Error>;
    type SerializeTuple = Impossible<String, Error>;
    type SerializeTupleStruct = Impossible<String, Error>;
    type SerializeTupleVariant = Impossible<String, Error>;
    type SerializeMap = Impossible<String, Error>;
    type SerializeStruct = Impossible<String, Error>;
    type SerializeStructVariant = Impossible<String, Error>;

    fn serialize_str(self, v: &str) -> Result<String> {
        Ok(v.to_owned())
    }
    fn serialize_char(self, v: char) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String> {
        value.serialize(self)
    }

    refuse_key_scalars!();
    refuse_key_compounds!();
}
