//! Writing XML-RPC: serde types and [`Value`]s to XML text.
//!
//! SKELETON: signatures are fixed; bodies are being written.

use serde::Serialize;

use crate::config::Config;
use crate::error::Result;
use crate::fault::Fault;
use crate::value::Value;

/// Writes `value` as one `<value>…</value>` element.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_value(&mut out, value, &Config::DEFAULT)?;
    Ok(out)
}

/// Appends `value` as one `<value>…</value>` element to `out`; on error `out` may hold a
/// partial element.
pub fn write_value<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T, config: &Config) -> Result<()> {
    let _ = (out, value, config);
    unimplemented!()
}

/// Builds a `<methodCall>` one parameter at a time.
pub struct CallWriter {
    out: Vec<u8>,
}

impl CallWriter {
    /// Starts a call of `method`; the name is escaped, and a name XML cannot carry is an error.
    pub fn new(method: &str) -> Result<Self> {
        let _ = method;
        unimplemented!()
    }

    /// Appends one parameter.
    pub fn param<T: Serialize + ?Sized>(&mut self, value: &T, config: &Config) -> Result<()> {
        let _ = (value, config, &self.out);
        unimplemented!()
    }

    /// The finished document.
    pub fn finish(self) -> Vec<u8> {
        unimplemented!()
    }
}

/// A `<methodResponse>` with `value` as its one parameter.
pub fn encode_response<T: Serialize + ?Sized>(value: &T, config: &Config) -> Result<Vec<u8>> {
    let _ = (value, config);
    unimplemented!()
}

/// A `<methodResponse>` around a `<value>` element already written by [`write_value`].
pub fn encode_response_fragment(value_xml: &[u8]) -> Vec<u8> {
    let _ = value_xml;
    unimplemented!()
}

/// A `<methodResponse>` holding `fault`.
pub fn encode_fault(fault: &Fault) -> Vec<u8> {
    let _ = fault;
    unimplemented!()
}

/// Converts any serializable value into a [`Value`].
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    let _ = value;
    unimplemented!()
}
