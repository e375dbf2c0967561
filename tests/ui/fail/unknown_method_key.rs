#[rpc_runtime::service]
pub trait Calculator {
    #[rpc(nmae = "plus", blocking)]
    async fn add(&self, a: i32, b: i32) -> i32;
    #[rpc(aliases = "sum")]
    async fn total(&self, xs: Vec<i32>) -> i32;
    #[rpc]
    async fn mul(&self, a: i32, b: i32) -> i32;
}

fn main() {}
