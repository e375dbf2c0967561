//! `Value`: any XML-RPC value, for dynamic use.
//!
//! Typed code never needs it: the serializer and deserializer go straight between XML and
//! user types. `Value` is for proxies, echo services, and data whose shape is only known at
//! run time. [`to_value`](crate::to_value) and [`from_value`](crate::from_value) convert
//! between it and any serde type.

use std::fmt;

use crate::binary::Binary;
use crate::datetime::DateTime;

/// Any XML-RPC value.
///
/// Each variant is one wire type, so a value read and written back keeps its tag: an
/// `<i8>5</i8>` is [`Value::Long`] and is written as `<i8>`, an `<i4>` or `<int>` is
/// [`Value::Int`] and is written as `<i4>`.
#[derive(Clone, PartialEq, Default)]
pub enum Value {
    /// `<i4>` or `<int>` (also read from `<i1>`, `<i2>`): a 32-bit signed integer.
    Int(i32),
    /// `<i8>` (also read from `<ex:i8>` and `<biginteger>`): a 64-bit signed integer.
    Long(i64),
    /// `<boolean>`: `0` or `1` on the wire.
    Bool(bool),
    /// `<string>`, or a `<value>` without a type element.
    String(String),
    /// `<double>`.
    Double(f64),
    /// `<dateTime.iso8601>`.
    DateTime(DateTime),
    /// `<base64>`.
    Binary(Vec<u8>),
    /// `<struct>`: named members in wire order.
    Struct(Struct),
    /// `<array>`.
    Array(Vec<Value>),
    /// `<nil/>` (an extension every current peer reads; Python sends it with
    /// `allow_none=True`).
    #[default]
    Nil,
}

impl Value {
    /// The XML-RPC type name of this value, as `system.methodSignature` spells it:
    /// `int`, `i8`, `boolean`, `string`, `double`, `dateTime.iso8601`, `base64`, `struct`,
    /// `array` or `nil`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Long(_) => "i8",
            Value::Bool(_) => "boolean",
            Value::String(_) => "string",
            Value::Double(_) => "double",
            Value::DateTime(_) => "dateTime.iso8601",
            Value::Binary(_) => "base64",
            Value::Struct(_) => "struct",
            Value::Array(_) => "array",
            Value::Nil => "nil",
        }
    }

    /// The integer of an `Int` or `Long`.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Int(i) => Some(i64::from(i)),
            Value::Long(i) => Some(i),
            _ => None,
        }
    }

    /// The integer of an `Int`, or of a `Long` that fits 32 bits.
    pub fn as_i32(&self) -> Option<i32> {
        self.as_i64().and_then(|i| i32::try_from(i).ok())
    }

    /// The boolean of a `Bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The text of a `String`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number of a `Double`.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Double(d) => Some(d),
            _ => None,
        }
    }

    /// The bytes of a `Binary`.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Binary(b) => Some(b),
            _ => None,
        }
    }

    /// The date of a `DateTime`.
    pub fn as_datetime(&self) -> Option<DateTime> {
        match *self {
            Value::DateTime(d) => Some(d),
            _ => None,
        }
    }

    /// The items of an `Array`.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The members of a `Struct`.
    pub fn as_struct(&self) -> Option<&Struct> {
        match self {
            Value::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `Nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The member `name` of a struct, or `None` for other values and absent members.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.as_struct().and_then(|s| s.get(name))
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "Int({i})"),
            Value::Long(i) => write!(f, "Long({i})"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::Double(d) => write!(f, "Double({d:?})"),
            Value::DateTime(d) => write!(f, "DateTime({d})"),
            Value::Binary(b) => write!(f, "Binary({b:?})"),
            Value::Struct(s) => fmt::Debug::fmt(s, f),
            Value::Array(a) => f.debug_list().entries(a).finish(),
            Value::Nil => f.write_str("Nil"),
        }
    }
}

/// The members of an XML-RPC `<struct>`, in wire order, names unique.
///
/// Lookups scan the members: structs on the wire are small, and keeping order matters more
/// (Python keeps it). Reading a message rejects duplicate names with a hashed check, so a
/// hostile message cannot make that scan quadratic.
#[derive(Clone, PartialEq, Default)]
pub struct Struct {
    members: Vec<(String, Value)>,
}

impl Struct {
    /// An empty struct.
    pub fn new() -> Self {
        Struct::default()
    }

    /// An empty struct with room for `n` members.
    pub fn with_capacity(n: usize) -> Self {
        Struct {
            members: Vec::with_capacity(n),
        }
    }

    /// Sets member `name`, replacing (in place) and returning a previous value of that name.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) -> Option<Value> {
        let name = name.into();
        if let Some(slot) = self.members.iter_mut().find(|(n, _)| *n == name) {
            return Some(std::mem::replace(&mut slot.1, value));
        }
        self.members.push((name, value));
        None
    }

    /// Appends a member without checking for a previous one of that name; the caller
    /// guarantees uniqueness.
    pub(crate) fn push_unchecked(&mut self, name: String, value: Value) {
        self.members.push((name, value));
    }

    /// The member `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The member `name`, mutably.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.members
            .iter_mut()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// Removes and returns member `name`, keeping the order of the rest.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let i = self.members.iter().position(|(n, _)| n == name)?;
        Some(self.members.remove(i).1)
    }

    /// Whether member `name` is present.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> {
        self.members.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// The member names in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.members.iter().map(|(n, _)| n.as_str())
    }
}

impl fmt::Debug for Struct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.members.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl IntoIterator for Struct {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.members.into_iter()
    }
}

impl<K: Into<String>> FromIterator<(K, Value)> for Struct {
    /// Collects members; a later duplicate name replaces the earlier value in place.
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Self {
        let mut s = Struct::new();
        for (k, v) in iter {
            s.insert(k, v);
        }
        s
    }
}

macro_rules! from_impls {
    ($($t:ty => $variant:ident $(as $conv:ty)?),* $(,)?) => {
        $(impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::$variant(v $(as $conv)?.into())
            }
        })*
    };
}

from_impls! {
    i32 => Int,
    i16 => Int,
    i8 => Int,
    u16 => Int,
    u8 => Int,
    bool => Bool,
    String => String,
    &str => String,
    f64 => Double,
    f32 => Double,
    DateTime => DateTime,
    Vec<Value> => Array,
    Struct => Struct,
}

impl From<i64> for Value {
    /// `Int` when the number fits 32 bits, `Long` otherwise.
    fn from(v: i64) -> Self {
        match i32::try_from(v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Long(v),
        }
    }
}

impl From<Binary> for Value {
    fn from(v: Binary) -> Self {
        Value::Binary(v.0)
    }
}

impl From<()> for Value {
    fn from((): ()) -> Self {
        Value::Nil
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Nil, Into::into)
    }
}
