//! A deprecated trait: the generated items are deprecated with it, and the expansion
//! itself uses none of them in a way that warns.
#![deny(deprecated)]

/// Old.
#[rpc_runtime::service]
#[deprecated(note = "use the new service")]
pub trait Old {
    /// Ping.
    async fn ping(&self) -> bool;
}

/// Old, client only.
#[rpc_runtime::service(client)]
#[deprecated(note = "use the new service")]
pub trait OldRemote {
    /// Ping.
    async fn ping(&self) -> bool;
}

struct Impl;

#[allow(deprecated)]
impl Old for Impl {
    async fn ping(&self) -> bool {
        true
    }
}

#[allow(deprecated)]
fn main() {
    let _ = OldServer::new(Impl);
    let _ = OldRemoteClient::new("http://127.0.0.1:1/");
}
