//! `#[cfg]` and `#[deprecated]` on methods, docs carried to the clients, methods without
//! parameters or docs, and a trait with supertraits.
#![deny(missing_docs, deprecated)]

use rpc_runtime::Service;

/// A service whose methods depend on the build.
#[rpc_runtime::service]
pub trait Conditional: Send + Sync {
    /// Only on unix.
    #[cfg(unix)]
    async fn unix_only(&self) -> bool;
    /// Never compiled.
    #[cfg(any())]
    async fn never(&self) -> NoSuchType;
    /// Old name.
    #[deprecated(note = "use `current`")]
    #[rpc(name = "old")]
    fn legacy(&self) -> i32;
    /// New name.
    fn current(&self) -> i32;
    /// A raw identifier: the wire name is `type`.
    async fn r#type(&self) -> String;
    /// The same wire name under exclusive `#[cfg]`s is not a duplicate.
    #[cfg(target_pointer_width = "64")]
    #[rpc(name = "width")]
    async fn width64(&self) -> u8;
    /// The same wire name under exclusive `#[cfg]`s is not a duplicate.
    #[cfg(not(target_pointer_width = "64"))]
    #[rpc(name = "width")]
    async fn width_other(&self) -> u8;
}

struct Impl;

#[allow(deprecated)]
impl Conditional for Impl {
    #[cfg(unix)]
    async fn unix_only(&self) -> bool {
        true
    }
    fn legacy(&self) -> i32 {
        1
    }
    fn current(&self) -> i32 {
        2
    }
    async fn r#type(&self) -> String {
        String::new()
    }
    #[cfg(target_pointer_width = "64")]
    async fn width64(&self) -> u8 {
        64
    }
    #[cfg(not(target_pointer_width = "64"))]
    async fn width_other(&self) -> u8 {
        0
    }
}

fn main() {
    let names: Vec<_> = ConditionalServer::new(Impl).methods().iter().map(|m| m.name).collect();
    if cfg!(unix) {
        assert_eq!(names, ["unix_only", "old", "current", "type", "width"]);
    } else {
        assert_eq!(names, ["old", "current", "type", "width"]);
    }
}
