#[rpc_runtime::service(namespace = "a", namespace = "b")]
pub trait Calculator {
    #[rpc(name = "plus")]
    #[rpc(name = "sum", aliases = ["x"], aliases = ["y"])]
    async fn add(&self, a: i32, b: i32) -> i32;
}

fn main() {}
