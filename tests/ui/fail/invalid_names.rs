#[rpc_runtime::service(namespace = "my math")]
pub trait Calculator {
    #[rpc(name = "")]
    async fn add(&self, a: i32, b: i32) -> i32;
    #[rpc(name = "a..b", aliases = ["ok.name", "bad<name>"])]
    async fn sub(&self, a: i32, b: i32) -> i32;
}

fn main() {}
