//! Whole messages: `<methodCall>`, `<methodResponse>` with a value or a fault, and the
//! pieces of a `system.multicall` answer.

use serde::Serialize;

use super::escape::{escape_into, escape_lossy_into};
use super::serializer::{ValueSerializer, push_i64, too_deep};
use crate::config::Config;
use crate::error::{Error, ErrorKind, PathSegment, Result};
use crate::fault::Fault;

/// The XML declaration that starts every document written here.
const DECLARATION: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Appends `value` as one `<value>…</value>` element to `out`; on error `out` is left as
/// it was.
pub fn write_value<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    config: &Config,
) -> Result<()> {
    let mark = out.len();
    let result = if config.max_depth == 0 {
        Err(too_deep(0))
    } else {
        value.serialize(ValueSerializer::new(out, config, 1))
    };
    if result.is_err() {
        out.truncate(mark);
    }
    result
}

/// Builds a `<methodCall>` one parameter at a time.
///
/// ```
/// use rpc_runtime::{CallWriter, Config};
/// let mut call = CallWriter::new("add")?;
/// call.param(&5, &Config::DEFAULT)?;
/// call.param(&10, &Config::DEFAULT)?;
/// let xml = call.finish();
/// assert!(xml.ends_with(b"<methodCall><methodName>add</methodName><params>\
///     <param><value><i4>5</i4></value></param><param><value><i4>10</i4></value></param>\
///     </params></methodCall>"));
/// # Ok::<(), rpc_runtime::Error>(())
/// ```
pub struct CallWriter {
    out: Vec<u8>,
    params: usize,
}

impl CallWriter {
    /// Starts a call of `method`; the name is escaped, and an empty name or one XML cannot
    /// carry is an error.
    pub fn new(method: &str) -> Result<Self> {
        if method.is_empty() {
            return Err(Error::new(ErrorKind::Encode, "the method name is empty"));
        }
        let mut out = Vec::with_capacity(256 + method.len());
        out.extend_from_slice(DECLARATION);
        out.extend_from_slice(b"<methodCall><methodName>");
        escape_into(&mut out, method)?;
        out.extend_from_slice(b"</methodName><params>");
        Ok(CallWriter { out, params: 0 })
    }

    /// Appends one parameter. On error the call is left as it was, so it can still be
    /// finished; the error's path starts with the parameter's index.
    pub fn param<T: Serialize + ?Sized>(&mut self, value: &T, config: &Config) -> Result<()> {
        let mark = self.out.len();
        self.out.extend_from_slice(b"<param>");
        if let Err(e) = write_value(&mut self.out, value, config) {
            self.out.truncate(mark);
            return Err(e.in_path(PathSegment::Param(self.params)));
        }
        self.out.extend_from_slice(b"</param>");
        self.params += 1;
        Ok(())
    }

    /// The number of parameters written so far.
    pub fn len(&self) -> usize {
        self.params
    }

    /// Whether no parameter has been written yet.
    pub fn is_empty(&self) -> bool {
        self.params == 0
    }

    /// The finished document.
    pub fn finish(mut self) -> Vec<u8> {
        self.out.extend_from_slice(b"</params></methodCall>");
        self.out
    }
}

/// A `<methodResponse>` with `value` as its one parameter.
pub fn encode_response<T: Serialize + ?Sized>(value: &T, config: &Config) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(SMALL_REPLY);
    out.extend_from_slice(DECLARATION);
    out.extend_from_slice(HEAD);
    write_value(&mut out, value, config)?;
    out.extend_from_slice(TAIL);
    Ok(out)
}

const HEAD: &[u8] = b"<methodResponse><params><param>";
const TAIL: &[u8] = b"</param></params></methodResponse>";
/// The bytes of a response around its `<value>`.
pub(crate) const RESPONSE_FRAME: usize = DECLARATION.len() + HEAD.len() + TAIL.len();
/// The capacity a reply's buffer starts with at least: room for a small result and the
/// response around it.
pub(crate) const SMALL_REPLY: usize = 256;

/// [`encode_response_fragment`] taking the value's buffer: the envelope is written around
/// the value in place (one move of the bytes within the buffer) instead of into a second
/// buffer, so a large result is held once, not twice, while its reply is framed.
pub(crate) fn encode_response_fragment_owned(mut value_xml: Vec<u8>) -> Vec<u8> {
    let head = DECLARATION.len() + HEAD.len();
    let len = value_xml.len();
    value_xml.reserve_exact(RESPONSE_FRAME);
    value_xml.resize(head + len, 0);
    value_xml.copy_within(..len, head);
    value_xml[..DECLARATION.len()].copy_from_slice(DECLARATION);
    value_xml[DECLARATION.len()..head].copy_from_slice(HEAD);
    value_xml.extend_from_slice(TAIL);
    value_xml
}

/// A `<methodResponse>` around a `<value>` element already written by
/// [`write_value`](crate::ser::write_value).
pub fn encode_response_fragment(value_xml: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(RESPONSE_FRAME + value_xml.len());
    out.extend_from_slice(DECLARATION);
    out.extend_from_slice(HEAD);
    out.extend_from_slice(value_xml);
    out.extend_from_slice(TAIL);
    out
}

/// A `<methodResponse>` holding `fault`.
///
/// It always succeeds: characters of the fault string that XML cannot carry are replaced
/// with U+FFFD, so a fault can always be sent.
pub fn encode_fault(fault: &Fault) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + fault.string.len());
    out.extend_from_slice(DECLARATION);
    out.extend_from_slice(b"<methodResponse><fault>");
    write_fault_value(&mut out, fault);
    out.extend_from_slice(b"</fault></methodResponse>");
    out
}

/// Appends the `<value><struct>` of `fault` (`faultCode` as `<i4>`, `faultString` as
/// `<string>`, characters XML cannot carry replaced with U+FFFD): the body of a fault
/// response, and the entry of a failed call in a `system.multicall` answer.
pub fn write_fault_value(out: &mut Vec<u8>, fault: &Fault) {
    out.extend_from_slice(b"<value><struct><member><name>faultCode</name><value><i4>");
    push_i64(out, i64::from(fault.code));
    out.extend_from_slice(b"</i4></value></member><member><name>faultString</name><value><string>");
    escape_lossy_into(out, &fault.string);
    out.extend_from_slice(b"</string></value></member></struct></value>");
}

/// Appends `<value><array><data>` + `value_xml` + `</data></array></value>`: a one-item
/// array around a `<value>` element written by [`write_value`](crate::ser::write_value),
/// the entry of a successful call in a `system.multicall` answer.
pub fn write_array_of_one(out: &mut Vec<u8>, value_xml: &[u8]) {
    out.extend_from_slice(b"<value><array><data>");
    out.extend_from_slice(value_xml);
    out.extend_from_slice(b"</data></array></value>");
}

/// The whole answer to `system.multicall`: a response whose value is an array holding,
/// for each call in order, a one-item array with its result (a `<value>` element written by
/// [`write_value`](crate::ser::write_value)) or its fault struct.
pub fn encode_multicall_response<'a, I>(results: I) -> Vec<u8>
where
    I: IntoIterator<Item = std::result::Result<&'a [u8], &'a Fault>>,
{
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(DECLARATION);
    out.extend_from_slice(b"<methodResponse><params><param><value><array><data>");
    for result in results {
        match result {
            Ok(value_xml) => write_array_of_one(&mut out, value_xml),
            Err(fault) => write_fault_value(&mut out, fault),
        }
    }
    out.extend_from_slice(b"</data></array></value></param></params></methodResponse>");
    out
}
