//! Reading XML-RPC: messages and values from XML text into serde types or [`Value`].
//!
//! SKELETON: signatures are fixed; bodies are being written.

use std::borrow::Cow;

use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::error::Result;
use crate::fault::Fault;
use crate::value::Value;

/// A parsed `<methodCall>`: its method name, and its parameters still to be decoded.
pub struct MethodCall<'a> {
    /// The `<methodName>`, entities decoded.
    pub name: Cow<'a, str>,
    /// The parameters, decoded one at a time into the types the method takes.
    pub params: Params<'a>,
}

/// The parameters of a call, decoded in order straight from the XML (or from [`Value`]s,
/// as inside `system.multicall`).
pub struct Params<'a> {
    _p: std::marker::PhantomData<&'a ()>,
}

impl<'a> Params<'a> {
    /// Parameters taken from values.
    pub fn from_values(values: Vec<Value>) -> Params<'static> {
        let _ = values;
        unimplemented!()
    }

    /// Decodes the next parameter as `T`; a missing parameter is an error.
    pub fn next<T: DeserializeOwned>(&mut self) -> Result<T> {
        unimplemented!()
    }

    /// Decodes the next parameter as `T`, or gives `None` when the caller sent no more.
    pub fn next_opt<T: DeserializeOwned>(&mut self) -> Result<Option<T>> {
        unimplemented!()
    }

    /// Checks that no parameters are left and the document is complete.
    pub fn finish(self) -> Result<()> {
        unimplemented!()
    }

    /// The remaining parameters as values, checking the document is complete.
    pub fn into_values(self) -> Result<Vec<Value>> {
        unimplemented!()
    }
}

/// Parses a `<methodCall>` document up to its parameters.
pub fn parse_call<'a>(xml: &'a [u8], config: &Config) -> Result<MethodCall<'a>> {
    let _ = (xml, config);
    unimplemented!()
}

/// Parses a `<methodResponse>`: `Ok(Ok(value))` for a result, `Ok(Err(fault))` for a fault.
pub fn parse_response<T: DeserializeOwned>(xml: &[u8], config: &Config) -> Result<Result<T, Fault>> {
    let _ = (xml, config);
    unimplemented!()
}

/// Reads a document holding one `<value>` element into `T`.
pub fn from_slice<T: DeserializeOwned>(xml: &[u8]) -> Result<T> {
    let _ = xml;
    unimplemented!()
}

/// Converts a [`Value`] into `T`.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T> {
    let _ = value;
    unimplemented!()
}
