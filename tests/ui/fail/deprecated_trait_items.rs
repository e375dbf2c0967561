#![deny(deprecated)]

#[rpc_runtime::service]
#[deprecated(note = "use the new service")]
pub trait Old {
    async fn ping(&self) -> bool;
}

fn main() {
    let _ = OldClient::new("http://127.0.0.1:1/");
}
