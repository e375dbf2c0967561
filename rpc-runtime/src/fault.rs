//! XML-RPC faults and the standard fault codes.
//!
//! The codes are those of the Fault Code Interoperability spec (version 20010516), which
//! reserves -32768 ..= -32000 for the XML-RPC layer itself. Application faults should use
//! codes outside that range.

use std::fmt;

/// -32700: the request is not well-formed XML.
pub const PARSE_ERROR: i32 = -32700;
/// -32701: the request uses an encoding the server does not support.
pub const UNSUPPORTED_ENCODING: i32 = -32701;
/// -32702: the request holds a character invalid for its encoding.
pub const INVALID_CHARACTER: i32 = -32702;
/// -32600: well-formed XML that is not a valid XML-RPC request.
pub const INVALID_REQUEST: i32 = -32600;
/// -32601: no method of that name.
pub const METHOD_NOT_FOUND: i32 = -32601;
/// -32602: wrong number or types of parameters.
pub const INVALID_PARAMS: i32 = -32602;
/// -32603: an internal error, such as a handler that panicked.
pub const INTERNAL_ERROR: i32 = -32603;
/// -32500: application error.
pub const APPLICATION_ERROR: i32 = -32500;
/// -32400: system error.
pub const SYSTEM_ERROR: i32 = -32400;
/// -32300: transport error.
pub const TRANSPORT_ERROR: i32 = -32300;
/// -32001: a limit of this server was exceeded (nesting, size, multicall count), in the
/// range the interop spec leaves to implementations.
pub const LIMIT_EXCEEDED: i32 = -32001;
/// -32002: the handler did not finish within the server's handler timeout.
pub const TIMEOUT: i32 = -32002;

/// An XML-RPC fault: the error answer of a call, `{faultCode: int, faultString: string}`.
///
/// On the wire it is the struct inside `<fault><value>`; members are read in any order and
/// other members are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fault {
    /// The `faultCode` member.
    pub code: i32,
    /// The `faultString` member.
    pub string: String,
}

impl Fault {
    /// A fault with this code and string.
    pub fn new(code: i32, string: impl Into<String>) -> Self {
        Fault {
            code,
            string: string.into(),
        }
    }

    /// -32601 for a method name the server does not know.
    pub fn method_not_found(name: &str) -> Self {
        Fault::new(METHOD_NOT_FOUND, format!("method `{name}` not found"))
    }

    /// -32602 with a description of what is wrong with the parameters.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Fault::new(INVALID_PARAMS, message)
    }

    /// -32603 with a fixed string: internals are logged, never sent to the caller.
    pub fn internal() -> Self {
        Fault::new(INTERNAL_ERROR, "internal error")
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fault {}: {}", self.code, self.string)
    }
}

impl std::error::Error for Fault {}

/// Typed faults in both directions: how a method's error type becomes a [`Fault`] on the
/// server, and how the client gets it back from one.
///
/// A service method returning `Result<T, E>` needs `E: IntoFault + FromFault`. The client
/// stub tries [`FromFault::from_fault`] on every fault the server answers; a fault the type
/// does not recognise reaches the caller as a plain [`Fault`].
pub trait IntoFault {
    /// The fault sent to the caller.
    fn into_fault(self) -> Fault;
}

/// The client half of typed faults: recovers the method's error type from a fault.
pub trait FromFault: Sized {
    /// The typed error this fault stands for, or the fault back when it is not one of ours.
    fn from_fault(fault: Fault) -> Result<Self, Fault>;
}

impl IntoFault for Fault {
    fn into_fault(self) -> Fault {
        self
    }
}

impl FromFault for Fault {
    fn from_fault(fault: Fault) -> Result<Self, Fault> {
        Ok(fault)
    }
}

impl serde::Serialize for Fault {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Fault", 2)?;
        s.serialize_field("faultCode", &self.code)?;
        s.serialize_field("faultString", &self.string)?;
        s.end()
    }
}

impl<'de> serde::Deserialize<'de> for Fault {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            #[serde(rename = "faultCode")]
            code: i32,
            #[serde(rename = "faultString")]
            string: String,
        }
        let raw = Raw::deserialize(deserializer)?;
        Ok(Fault {
            code: raw.code,
            string: raw.string,
        })
    }
}
