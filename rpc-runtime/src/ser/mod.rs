//! Writing XML-RPC: serde types and [`Value`](crate::Value)s to XML text.
//!
//! The serializer writes straight into a byte buffer, with no intermediate tree, following
//! the mapping below (the reader takes the same mapping back).
//!
//! | serde | XML-RPC |
//! |---|---|
//! | `bool` | `<boolean>0</boolean>` / `<boolean>1</boolean>` |
//! | `i8`, `i16`, `i32`, `u8`, `u16` | `<i4>` |
//! | `i64`, `u32`, `u64`, `i128`, `u128` | `<i4>` when it fits 32 bits, `<i8>` when it fits 64, else an [`Encode`](crate::ErrorKind::Encode) error |
//! | `f32`, `f64` | `<double>` in plain decimal that reads back to the same number (`1.0`, `-0.0`, `0.1`); infinities and NaN are an error unless [`Config::allow_non_finite`] |
//! | `char`, `str` | `<string>…</string>`, escaped; characters XML 1.0 cannot carry are an error |
//! | bytes ([`Binary`](crate::Binary), `serde_bytes`) | `<base64>`, standard alphabet, padded, on one line |
//! | [`DateTime`](crate::DateTime) | `<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>` |
//! | `None`, `()`, unit struct | `<nil/>` |
//! | `Some(v)`, newtype struct | `v` |
//! | sequence, tuple, tuple struct | `<array><data>…</data></array>` |
//! | struct, map (string keys) | `<struct>` with members in order; other key types are an error |
//! | unit variant | `<string>Variant</string>` |
//! | newtype, tuple and struct variants | a `<struct>` whose one member is named after the variant |
//!
//! Arrays and structs may nest [`Config::max_depth`] deep; deeper is a
//! [`Limit`](crate::ErrorKind::Limit) error. Errors name the value at fault with their
//! [`path`](crate::Error::path), such as `params[0].items[3].name`.
//!
//! Output is compact: a declaration line, then the document without whitespace between
//! elements.

mod escape;
mod message;
mod serializer;
mod value;

#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::config::Config;
use crate::error::Result;

pub use message::{
    CallWriter, encode_fault, encode_multicall_response, encode_response, encode_response_fragment,
    write_array_of_one, write_fault_value, write_value,
};
pub(crate) use message::{RESPONSE_FRAME, SMALL_REPLY, encode_response_fragment_owned};
pub use value::to_value;

/// Writes `value` as one `<value>…</value>` element, with the default [`Config`].
///
/// The buffer starts with room for a small value and its response envelope, so
/// that a small result returned from a hand-written [`Service`](crate::Service) is not
/// reallocated as it grows or as the server frames it.
///
/// ```
/// let xml = rpc_runtime::to_vec(&("a<b", 3))?;
/// assert_eq!(
///     xml,
///     b"<value><array><data><value><string>a&lt;b</string></value>\
///       <value><i4>3</i4></value></data></array></value>"
/// );
/// # Ok::<(), rpc_runtime::Error>(())
/// ```
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(SMALL_REPLY);
    write_value(&mut out, value, &Config::DEFAULT)?;
    Ok(out)
}
