//! [`CallError`]: what a generated client returns for a method whose server side returns
//! `Result<T, E>`.

use std::fmt;

use crate::error::{Error, ErrorKind};

/// The error of a client call to a method declared as returning `Result<T, E>`.
///
/// The server turns an `Err(e)` into a fault with [`IntoFault`](crate::IntoFault); the
/// client gives it back with [`FromFault`](crate::FromFault):
///
/// * [`CallError::Fault`]: the server answered with a fault that `E` recognised;
/// * [`CallError::Rpc`]: everything else: the call could not be made or its reply could not
///   be read, or the server answered with a fault `E` does not recognise (an [`Error`] of
///   kind [`ErrorKind::Fault`] that still carries that fault).
///
/// ```
/// use rpc_runtime::{CallError, Error, ErrorKind, Fault};
///
/// fn describe(r: Result<f64, CallError<Fault>>) -> String {
///     match r {
///         Ok(v) => format!("got {v}"),
///         Err(CallError::Fault(f)) => format!("the server refused: {}", f.string),
///         Err(CallError::Rpc(e)) => format!("the call failed: {e}"),
///     }
/// }
/// assert_eq!(describe(Ok(2.0)), "got 2");
/// assert_eq!(
///     describe(Err(CallError::Fault(Fault::new(1, "division by zero")))),
///     "the server refused: division by zero"
/// );
/// let e: CallError<Fault> = Error::new(ErrorKind::Timeout, "no answer within 30 s").into();
/// assert!(matches!(e, CallError::Rpc(ref e) if e.kind() == ErrorKind::Timeout));
/// ```
#[derive(Debug)]
pub enum CallError<E> {
    /// The server answered with a fault that the method's error type recognised.
    Fault(E),
    /// The call failed otherwise: transport, HTTP, encoding or decoding, or a fault the
    /// error type did not recognise (kind [`ErrorKind::Fault`]).
    Rpc(Error),
}

impl<E> CallError<E> {
    /// The typed error, when the server answered with one.
    pub fn fault(&self) -> Option<&E> {
        match self {
            CallError::Fault(e) => Some(e),
            CallError::Rpc(_) => None,
        }
    }

    /// The [`Error`], when the call failed otherwise.
    pub fn rpc(&self) -> Option<&Error> {
        match self {
            CallError::Fault(_) => None,
            CallError::Rpc(e) => Some(e),
        }
    }

    /// Whether the server answered with a fault, recognised by `E` or not.
    pub fn is_fault(&self) -> bool {
        match self {
            CallError::Fault(_) => true,
            CallError::Rpc(e) => e.kind() == ErrorKind::Fault,
        }
    }

    /// Applies `f` to the typed error.
    pub fn map_fault<F>(self, f: impl FnOnce(E) -> F) -> CallError<F> {
        match self {
            CallError::Fault(e) => CallError::Fault(f(e)),
            CallError::Rpc(e) => CallError::Rpc(e),
        }
    }
}

impl<E> From<Error> for CallError<E> {
    fn from(error: Error) -> Self {
        CallError::Rpc(error)
    }
}

impl<E: fmt::Display> fmt::Display for CallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Fault(e) => fmt::Display::fmt(e, f),
            CallError::Rpc(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for CallError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CallError::Fault(e) => Some(e),
            CallError::Rpc(e) => Some(e),
        }
    }
}
