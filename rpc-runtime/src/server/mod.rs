//! The HTTP server.
//!
//! SKELETON: being written.

mod context;

pub use context::Context;
