#[rpc_runtime::service(namespace = "math")]
pub trait Calculator {
    async fn add(&self, a: i32, b: i32) -> i32;
    // After namespacing this is `math.add` too.
    #[rpc(name = "add")]
    async fn plus(&self, a: i32, b: i32) -> i32;
    // Aliases are full names: this one clashes with the first method.
    #[rpc(aliases = ["math.add"])]
    async fn sum(&self, a: i32, b: i32) -> i32;
    #[rpc(aliases = ["twice", "twice"])]
    async fn double(&self, a: i32) -> i32;
}

fn main() {}
