#[rpc_runtime::service(crate = "not a path")]
pub trait Calculator {
    async fn add(&self, a: i32, b: i32) -> i32;
}

fn main() {}
