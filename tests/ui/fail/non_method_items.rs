#[rpc_runtime::service]
pub trait Calculator {
    type Number;
    const PRECISION: u32;
    async fn add(&self, a: i32, b: i32) -> i32;
    async fn zero(&self) -> i32 {
        0
    }
}

fn main() {}
