// `server` alone generates no client; a type that is only `Deserialize` is then fine as
// a parameter.
#[derive(serde::Deserialize)]
pub struct Input {
    pub x: i32,
}

#[rpc_runtime::service(server)]
pub trait Calculator {
    async fn take(&self, input: Input) -> i32;
}

fn main() {
    let _ = CalculatorClient::new("http://127.0.0.1:1/");
}
