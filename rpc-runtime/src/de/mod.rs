//! Reading XML-RPC: messages and values from XML text into serde types or [`Value`].
//!
//! Typed reads go straight from the XML to the receiver's types through a serde
//! `Deserializer`; nothing builds an intermediate tree. The mapping between XML-RPC and
//! serde's data model:
//!
//! | receiver | accepted on the wire |
//! |---|---|
//! | any integer type | `<int>`, `<i4>`, `<i8>`, `<i1>`, `<i2>`, `<biginteger>` (any namespace prefix) whose number fits the type; ASCII whitespace around it and a leading `+` are accepted |
//! | `bool` | `<boolean>` holding exactly `0` or `1` (whitespace around it is ignored) |
//! | `f32`, `f64` | `<double>` (or `<float>`), any form Rust's parser reads (`1e+16`, `-0.0`, `.5`); infinities and NaN only with [`Config::allow_non_finite`](crate::Config::allow_non_finite) |
//! | `String`, `&str`, `char` | `<string>`, or a `<value>` without a type element, whose text is kept as is (`<value/>` is `""`) |
//! | bytes ([`Binary`](crate::Binary), `serde_bytes`) | `<base64>`, ASCII whitespace ignored |
//! | [`DateTime`](crate::DateTime) | `<dateTime.iso8601>` |
//! | `Option<T>` | `<nil/>` is `None`, anything else is `Some` |
//! | `()`, unit structs | `<nil/>` |
//! | sequences, tuples, tuple structs | `<array>` (an array with more items than a tuple holds is an error) |
//! | structs, maps | `<struct>`; duplicate member names are an error |
//! | enums | a string for a unit variant, a struct of one member `{Variant: value}` for any variant |
//!
//! Whitespace around a type element inside `<value>` is ignored; other text beside it is
//! an error. [`Value`] reads anything: `<i4>`, `<int>`, `<i1>` and `<i2>` become
//! [`Value::Int`] (an `<int>` too big for 32 bits becomes [`Value::Long`]), `<i8>` and
//! `<biginteger>` become [`Value::Long`].
//!
//! Every reader enforces a [`Config`](crate::Config): the message size, how deeply values nest (a value
//! directly in `<param>` is at depth 1), the items of one array and the members of one
//! struct. Errors say what was expected and found, where in the message
//! (`params[1].tags[2]`) and at which byte.
//!
//! # What is accepted
//!
//! The XML must be well-formed XML 1.0 in UTF-8 (or US-ASCII; see [`latin1_to_utf8`] for
//! Latin-1 peers): one root element, an optional XML declaration at the very start, no
//! DOCTYPE (so no entity can be defined, and none is ever fetched), no processing
//! instruction, only the five predefined entities and character references, no character
//! XML 1.0 forbids (raw or as a reference). Raw CR LF and CR read as LF, as in every XML
//! parser; `&#13;` stays a CR. These are [`ErrorKind::Syntax`](crate::ErrorKind::Syntax)
//! errors.
//!
//! Elements are matched on their local name, so `<ex:i8>` and `<ex:nil/>` work with any
//! prefix, as Python reads them. Unknown elements, elements out of place, attributes
//! other than namespace declarations, text where only elements belong, a `<member>`
//! without a `<name>` or with two values, and duplicate member names in one struct are
//! [`ErrorKind::Invalid`](crate::ErrorKind::Invalid) errors. Python keeps the last of
//! duplicate members; rejecting them means no two readers can see different values.

mod deserializer;
mod encoding;
mod from_value;
mod message;
mod value;
mod xml;

use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::value::Value;

pub use encoding::latin1_to_utf8;
pub use message::{
    MethodCall, Params, from_slice, from_slice_with_config, parse_call, parse_response,
};

/// Converts a [`Value`] into `T`, with the same rules as reading `T` from the XML the value
/// stands for; errors carry the path to the offending member or item.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T> {
    T::deserialize(value)
}

/// At most `max` bytes of `s`, cut at a character boundary, for error messages.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>() {}

    #[test]
    fn params_can_cross_threads() {
        assert_send::<Params<'static>>();
        assert_send::<MethodCall<'static>>();
    }

    #[test]
    fn truncate_keeps_char_boundaries() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("aé", 2), "a");
        assert_eq!(truncate("aéb", 3), "aé");
    }
}
