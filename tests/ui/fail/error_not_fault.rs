#[derive(Debug)]
pub struct MyError;

#[rpc_runtime::service]
pub trait Calculator {
    async fn div(&self, a: f64, b: f64) -> Result<f64, MyError>;
}

fn main() {}
