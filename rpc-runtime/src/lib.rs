//! XML-RPC for Rust: declare a service once as a trait, get a typed async client and the
//! server dispatch, interoperable with Python's `xmlrpc` and every other XML-RPC stack.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod binary;
mod compress;
mod config;
mod datetime;
pub mod de;
mod error;
pub mod fault;
pub mod ser;
pub mod service;
pub mod value;

pub use binary::Binary;
pub use config::Config;
pub use datetime::DateTime;
pub use de::{from_slice, from_value, parse_call, parse_response, MethodCall, Params};
pub use error::{Error, ErrorKind, PathSegment, Result};
pub use fault::{Fault, FromFault, IntoFault};
pub use ser::{encode_fault, encode_response, to_value, to_vec, CallWriter};
pub use service::{MethodInfo, Service};
pub use value::{Struct, Value};
pub mod client;
pub mod server;

pub use client::{BlockingClient, Client, ToParams};
pub use server::{Context, Server};
