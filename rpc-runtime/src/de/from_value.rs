//! Reading serde types out of a [`Value`], with the same rules as reading them from XML.

use std::borrow::Cow;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::deserializer::{StrDe, UnitVariant};
use crate::datetime::DATETIME_TOKEN;
use crate::error::{Error, ErrorKind, PathSegment, Result};
use crate::value::{Struct, Value};

#[cold]
fn mismatch(expected: &'static str, v: &Value) -> Error {
    Error::mismatch(expected, v.type_name())
}

fn int<T: TryFrom<i64>>(v: &Value, ty: &'static str) -> Result<T> {
    let n = match *v {
        Value::Int(i) => i64::from(i),
        Value::Long(i) => i,
        _ => return Err(mismatch("int", v)),
    };
    T::try_from(n).map_err(|_| {
        Error::new(
            ErrorKind::Type,
            format!("integer {n} out of range for {ty}"),
        )
        .with_types(ty, "int")
    })
}

struct ArrayAcc {
    iter: std::vec::IntoIter<Value>,
    index: usize,
}

impl<'de> de::SeqAccess<'de> for ArrayAcc {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        match self.iter.next() {
            None => Ok(None),
            Some(v) => {
                let i = self.index;
                self.index += 1;
                seed.deserialize(v)
                    .map(Some)
                    .map_err(|e| e.in_path(PathSegment::Index(i)))
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct StructAcc {
    iter: std::vec::IntoIter<(String, Value)>,
    current: Option<(String, Value)>,
}

impl<'de> de::MapAccess<'de> for StructAcc {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.iter.next() {
            None => Ok(None),
            Some(member) => {
                // The name stays here for the error path of its value, so the key gets a copy.
                let key = seed.deserialize(StrDe(Cow::Owned(member.0.clone())))?;
                self.current = Some(member);
                Ok(Some(key))
            }
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value> {
        let (name, value) = self.current.take().ok_or_else(|| {
            Error::new(ErrorKind::Custom, "a struct value was read before its name")
        })?;
        seed.deserialize(value)
            .map_err(|e| e.in_path(PathSegment::Member(name)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

fn visit_array<'de, V: Visitor<'de>>(items: Vec<Value>, visitor: V) -> Result<V::Value> {
    let mut acc = ArrayAcc {
        iter: items.into_iter(),
        index: 0,
    };
    let v = visitor.visit_seq(&mut acc)?;
    if acc.iter.len() > 0 {
        return Err(Error::new(
            ErrorKind::Type,
            "the array has more items than the receiver reads",
        ));
    }
    Ok(v)
}

fn visit_struct<'de, V: Visitor<'de>>(s: Struct, visitor: V) -> Result<V::Value> {
    let mut acc = StructAcc {
        iter: s.into_iter(),
        current: None,
    };
    let v = visitor.visit_map(&mut acc)?;
    if acc.iter.len() > 0 {
        return Err(Error::new(
            ErrorKind::Type,
            "the struct has more members than the receiver reads",
        ));
    }
    Ok(v)
}

fn datetime_text(d: &crate::DateTime) -> StrDe<'static> {
    StrDe(Cow::Owned(d.to_string()))
}

/// The variant of an enum written as a one-member struct.
struct MemberVariant {
    name: String,
    value: Value,
}

impl<'de> de::EnumAccess<'de> for MemberVariant {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let v = seed.deserialize(StrDe(Cow::Owned(self.name.clone())))?;
        Ok((v, self))
    }
}

impl<'de> de::VariantAccess<'de> for MemberVariant {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        let name = self.name;
        <() as de::Deserialize>::deserialize(self.value)
            .map_err(|e| e.in_path(PathSegment::Member(name)))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        let name = self.name;
        seed.deserialize(self.value)
            .map_err(|e| e.in_path(PathSegment::Member(name)))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        let name = self.name;
        de::Deserializer::deserialize_seq(self.value, visitor)
            .map_err(|e| e.in_path(PathSegment::Member(name)))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let name = self.name;
        de::Deserializer::deserialize_map(self.value, visitor)
            .map_err(|e| e.in_path(PathSegment::Member(name)))
    }
}

macro_rules! value_int {
    ($($method:ident => $visit:ident: $ty:ty),*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.$visit(int::<$ty>(&self, stringify!($ty))?)
        })*
    };
}

/// A [`Value`] is a serde `Deserializer`: any type reads from it as it would read from the
/// XML the value stands for (`from_value` uses this).
impl<'de> de::Deserializer<'de> for Value {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Int(i) => visitor.visit_i32(i),
            Value::Long(i) => visitor.visit_i64(i),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::String(s) => visitor.visit_string(s),
            Value::Double(d) => visitor.visit_f64(d),
            Value::DateTime(d) => visitor.visit_newtype_struct(datetime_text(&d)),
            Value::Binary(b) => visitor.visit_byte_buf(b),
            Value::Struct(s) => visit_struct(s, visitor),
            Value::Array(a) => visit_array(a, visitor),
            Value::Nil => visitor.visit_unit(),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Bool(b) => visitor.visit_bool(b),
            other => Err(mismatch("boolean", &other)),
        }
    }

    value_int! {
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

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Double(d) => visitor.visit_f32(d as f32),
            other => Err(mismatch("double", &other)),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Double(d) => visitor.visit_f64(d),
            other => Err(mismatch("double", &other)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::String(s) => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => visitor.visit_char(c),
                    _ => Err(Error::new(
                        ErrorKind::Type,
                        "expected a string of exactly one character",
                    )
                    .with_types("char", "string")),
                }
            }
            other => Err(mismatch("string", &other)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::String(s) => visitor.visit_string(s),
            other => Err(mismatch("string", &other)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Binary(b) => visitor.visit_byte_buf(b),
            other => Err(mismatch("base64", &other)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Nil => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Nil => visitor.visit_unit(),
            other => Err(mismatch("nil", &other)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if name == DATETIME_TOKEN {
            return match self {
                Value::DateTime(d) => visitor.visit_newtype_struct(datetime_text(&d)),
                other => Err(mismatch("dateTime.iso8601", &other)),
            };
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Array(a) => visit_array(a, visitor),
            other => Err(mismatch("array", &other)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Struct(s) => visit_struct(s, visitor),
            other => Err(mismatch("struct", &other)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self {
            Value::String(s) => visitor.visit_enum(UnitVariant(Cow::Owned(s))),
            Value::Struct(s) if s.len() == 1 => {
                let mut members = s.into_iter();
                match members.next() {
                    Some((name, value)) => visitor.visit_enum(MemberVariant { name, value }),
                    None => Err(Error::new(ErrorKind::Type, "empty enum struct")),
                }
            }
            Value::Struct(_) => Err(Error::new(
                ErrorKind::Type,
                "an enum variant with data is a struct of exactly one member",
            )
            .with_types("enum", "struct")),
            other => Err(mismatch("string or struct (an enum)", &other)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }
}

impl<'de> IntoDeserializer<'de, Error> for Value {
    type Deserializer = Value;
    fn into_deserializer(self) -> Value {
        self
    }
}
