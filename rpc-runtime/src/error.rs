//! The one error type of the crate: marshalling, transport and faults.
//!
//! [`Error`] is opaque and boxed, so a `Result<T, Error>` stays one pointer wide on the
//! happy path (the layout serde_json uses). [`Error::kind`] tells what went wrong; the
//! accessors give the details: where in the message ([`Error::path`], [`Error::offset`]),
//! which types were involved ([`Error::expected`], [`Error::found`]), the HTTP status or the
//! fault a server answered with.

use std::fmt;

use crate::fault::Fault;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is not well-formed XML 1.0: a syntax error, an undefined entity, a character
    /// XML forbids, invalid UTF-8, a DOCTYPE, a truncated or doubled document.
    /// A server answers it with fault -32700.
    Syntax,
    /// The input is well-formed XML but not an XML-RPC message: an unknown element, an
    /// element out of place, a duplicate struct member. A server answers -32600.
    Invalid,
    /// A value does not have the type or range the receiver asked for (`expected i32, found
    /// string`, an int out of range, a missing struct member). A server answers -32602.
    Type,
    /// A configured limit was exceeded: nesting depth, message size, items or members.
    /// A server answers -32001 (or HTTP 413 for a body over the size limit).
    Limit,
    /// A value cannot be written as XML-RPC: a character XML 1.0 cannot carry, a
    /// non-finite double, a map with non-string keys.
    Encode,
    /// The connection failed: refused, reset, closed early, or a TLS error.
    Transport,
    /// The server answered with an HTTP status other than 200, or a reply that is not
    /// XML-RPC at the HTTP level (wrong content type, unknown content encoding).
    Http,
    /// A deadline passed: connect, request or handler timeout.
    Timeout,
    /// The server answered with a fault; [`Error::fault`] has its code and string.
    Fault,
    /// A message that serde's data model asked for with [`serde::de::Error::custom`] or
    /// [`serde::ser::Error::custom`], such as a failed validation in a `Deserialize` impl.
    Custom,
}

impl ErrorKind {
    /// A short lower-case description of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "XML syntax error",
            ErrorKind::Invalid => "invalid XML-RPC",
            ErrorKind::Type => "type mismatch",
            ErrorKind::Limit => "limit exceeded",
            ErrorKind::Encode => "cannot encode",
            ErrorKind::Transport => "transport error",
            ErrorKind::Http => "HTTP error",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Fault => "fault",
            ErrorKind::Custom => "error",
        }
    }
}

/// One step of the path to the value an error is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// The n-th `<param>` of a call or response.
    Param(usize),
    /// The n-th item of an array.
    Index(usize),
    /// The struct member with this name.
    Member(String),
}

/// The error of every fallible operation in this crate.
pub struct Error(Box<ErrorImpl>);

struct ErrorImpl {
    kind: ErrorKind,
    message: String,
    /// Outermost segment first.
    path: Vec<PathSegment>,
    offset: Option<u64>,
    expected: Option<&'static str>,
    found: Option<&'static str>,
    status: Option<u16>,
    fault: Option<Fault>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` with a human-readable message.
    #[cold]
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(ErrorImpl {
            kind,
            message: message.into(),
            path: Vec::new(),
            offset: None,
            expected: None,
            found: None,
            status: None,
            fault: None,
            source: None,
        }))
    }

    /// A type mismatch: the receiver expected `expected` and the message held `found`
    /// (XML-RPC type names such as `"string"`, or Rust ones such as `"i32"`).
    #[cold]
    pub fn mismatch(expected: &'static str, found: &'static str) -> Self {
        let mut e = Error::new(
            ErrorKind::Type,
            format!("expected {expected}, found {found}"),
        );
        e.0.expected = Some(expected);
        e.0.found = Some(found);
        e
    }

    /// The error for a fault answered by a server.
    #[cold]
    pub fn from_fault(fault: Fault) -> Self {
        let mut e = Error::new(
            ErrorKind::Fault,
            format!("fault {}: {}", fault.code, fault.string),
        );
        e.0.fault = Some(fault);
        e
    }

    /// An HTTP-level error with the status the server answered.
    #[cold]
    pub fn http(status: u16, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::Http, message);
        e.0.status = Some(status);
        e
    }

    /// Attaches the underlying cause, returned by [`std::error::Error::source`].
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// Attaches the byte offset into the message, if none is set yet (the innermost,
    /// most precise offset wins).
    #[must_use]
    pub fn at_offset(mut self, offset: u64) -> Self {
        if self.0.offset.is_none() {
            self.0.offset = Some(offset);
        }
        self
    }

    /// Puts `segment` in front of the path: callers add their own step as the error
    /// travels outwards, so the path costs nothing unless an error happens.
    #[must_use]
    pub fn in_path(mut self, segment: PathSegment) -> Self {
        self.0.path.insert(0, segment);
        self
    }

    /// Records what was expected and found, for errors raised through serde.
    #[must_use]
    pub fn with_types(mut self, expected: &'static str, found: &'static str) -> Self {
        self.0.expected = Some(expected);
        self.0.found = Some(found);
        self
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The message, without path, offset or kind.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The path to the offending value, such as `params[1].tags[2]`, or `None` when the
    /// error is not about one value.
    pub fn path(&self) -> Option<String> {
        if self.0.path.is_empty() {
            return None;
        }
        let mut out = String::new();
        for seg in &self.0.path {
            match seg {
                PathSegment::Param(i) => {
                    out.push_str("params[");
                    out.push_str(&i.to_string());
                    out.push(']');
                }
                PathSegment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
                PathSegment::Member(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
            }
        }
        Some(out)
    }

    /// The path as segments, outermost first.
    pub fn path_segments(&self) -> &[PathSegment] {
        &self.0.path
    }

    /// The byte offset in the message where the error was detected.
    pub fn offset(&self) -> Option<u64> {
        self.0.offset
    }

    /// The type the receiver expected, for [`ErrorKind::Type`] errors.
    pub fn expected(&self) -> Option<&'static str> {
        self.0.expected
    }

    /// The type the message held, for [`ErrorKind::Type`] errors.
    pub fn found(&self) -> Option<&'static str> {
        self.0.found
    }

    /// The HTTP status of an [`ErrorKind::Http`] error.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The fault of an [`ErrorKind::Fault`] error.
    pub fn fault(&self) -> Option<&Fault> {
        self.0.fault.as_ref()
    }

    /// Takes the fault out of an [`ErrorKind::Fault`] error, or gives the error back.
    pub fn into_fault(self) -> Result<Fault, Error> {
        if self.0.fault.is_some() {
            let mut inner = self.0;
            Ok(inner.fault.take().expect("checked above"))
        } else {
            Err(self)
        }
    }

    /// The fault a server sends for this error when it happened while reading a request
    /// or running a call: -32700 for syntax errors, -32600 for invalid XML-RPC, -32602 for
    /// type errors, -32001 for limits, -32603 otherwise. A [`ErrorKind::Fault`] error gives
    /// its own fault.
    pub fn to_fault(&self) -> Fault {
        if let Some(f) = &self.0.fault {
            return f.clone();
        }
        let code = match self.0.kind {
            ErrorKind::Syntax => crate::fault::PARSE_ERROR,
            ErrorKind::Invalid => crate::fault::INVALID_REQUEST,
            ErrorKind::Type | ErrorKind::Custom => crate::fault::INVALID_PARAMS,
            ErrorKind::Limit => crate::fault::LIMIT_EXCEEDED,
            _ => crate::fault::INTERNAL_ERROR,
        };
        Fault::new(code, self.to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)?;
        if let Some(path) = self.path() {
            write!(f, " at {path}")?;
        }
        if let Some(offset) = self.0.offset {
            write!(f, " (byte {offset})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.0.kind);
        d.field("message", &self.0.message);
        if let Some(path) = self.path() {
            d.field("path", &path);
        }
        if let Some(offset) = self.0.offset {
            d.field("offset", &offset);
        }
        if let Some(status) = self.0.status {
            d.field("status", &status);
        }
        if let Some(fault) = &self.0.fault {
            d.field("fault", fault);
        }
        if let Some(source) = &self.0.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_ref()
            .map(|s| &**s as &(dyn std::error::Error + 'static))
    }
}

impl serde::de::Error for Error {
    #[cold]
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(ErrorKind::Custom, msg.to_string())
    }

    #[cold]
    fn invalid_type(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("invalid type: {unexp}, expected {exp}"),
        )
    }

    #[cold]
    fn invalid_value(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("invalid value: {unexp}, expected {exp}"),
        )
    }

    #[cold]
    fn invalid_length(len: usize, exp: &dyn serde::de::Expected) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("invalid length {len}, expected {exp}"),
        )
    }

    #[cold]
    fn missing_field(field: &'static str) -> Self {
        Error::new(ErrorKind::Type, format!("missing struct member `{field}`"))
    }

    #[cold]
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("unknown variant `{variant}`, expected one of {expected:?}"),
        )
    }
}

impl serde::ser::Error for Error {
    #[cold]
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(ErrorKind::Encode, msg.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_renders_like_rust_access() {
        let e = Error::mismatch("i32", "string")
            .in_path(PathSegment::Index(2))
            .in_path(PathSegment::Member("tags".into()))
            .in_path(PathSegment::Param(1))
            .at_offset(120);
        assert_eq!(e.path().as_deref(), Some("params[1].tags[2]"));
        assert_eq!(
            e.to_string(),
            "expected i32, found string at params[1].tags[2] (byte 120)"
        );
        assert_eq!(e.kind(), ErrorKind::Type);
        assert_eq!(e.to_fault().code, crate::fault::INVALID_PARAMS);
    }

    #[test]
    fn innermost_offset_wins() {
        let e = Error::new(ErrorKind::Syntax, "x").at_offset(5).at_offset(9);
        assert_eq!(e.offset(), Some(5));
    }

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
