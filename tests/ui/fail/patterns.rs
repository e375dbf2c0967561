#[rpc_runtime::service]
pub trait Geometry {
    async fn area(&self, (w, h): (f64, f64)) -> f64;
    async fn ignore(&self, _: i32);
    async fn by_ref(&self, ref name: String);
    async fn reserved(&self, __call: i32);
}

fn main() {}
