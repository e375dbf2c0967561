#[rpc_runtime::service]
pub trait Factory {
    async fn new(&self) -> i32;
    fn client(&self) -> String;
}

fn main() {}
