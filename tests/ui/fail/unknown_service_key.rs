// Both unknown keys are reported at once, each listing the accepted keys; the trait is
// still emitted, so its impl compiles.
#[rpc_runtime::service(namspace = "math", blocking, client = true)]
pub trait Calculator {
    async fn add(&self, a: i32, b: i32) -> i32;
}

struct Calc;

impl Calculator for Calc {
    async fn add(&self, a: i32, b: i32) -> i32 {
        a + b
    }
}

fn main() {}
