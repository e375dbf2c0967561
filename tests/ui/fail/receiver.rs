use std::sync::Arc;

#[rpc_runtime::service]
pub trait Counter {
    async fn by_value(self) -> i32;
    async fn by_mut(&mut self) -> i32;
    async fn no_receiver(a: i32) -> i32;
    async fn arc(self: Arc<Self>) -> i32;
    async fn fine(&self) -> i32;
}

fn main() {}
