#![deny(deprecated)]

#[rpc_runtime::service]
pub trait Calculator {
    #[deprecated(note = "use `add`")]
    async fn plus(&self, a: i32, b: i32) -> i32;
    async fn add(&self, a: i32, b: i32) -> i32;
}

async fn call(client: CalculatorClient) {
    let _ = client.add(1, 2).await;
    let _ = client.plus(1, 2).await;
}

fn main() {
    let _ = call;
}
