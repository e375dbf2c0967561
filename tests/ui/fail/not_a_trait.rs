#[rpc_runtime::service]
pub struct Calculator;

fn main() {}
