#[derive(serde::Deserialize)]
pub struct OnlyDeserialize {
    pub x: i32,
}

pub struct Neither;

#[rpc_runtime::service]
pub trait Report {
    async fn report(&self) -> OnlyDeserialize;
    fn neither(&self) -> Result<Neither, rpc_runtime::Fault>;
}

fn main() {}
