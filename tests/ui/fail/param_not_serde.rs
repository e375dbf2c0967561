// A parameter type serde cannot carry: the error is on the type, once per missing trait.
pub struct Handle(std::fs::File);

#[derive(serde::Serialize)]
pub struct OnlySerialize {
    pub x: i32,
}

#[rpc_runtime::service]
pub trait Files {
    async fn close(&self, handle: Handle) -> bool;
    async fn send(&self, value: OnlySerialize) -> bool;
}

fn main() {}
