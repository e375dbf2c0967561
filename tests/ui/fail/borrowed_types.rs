#[rpc_runtime::service]
pub trait Text {
    async fn upper(&self, text: &str) -> String;
    async fn words(&self, text: String) -> &'static [String];
    async fn iter(&self) -> impl Iterator<Item = u8>;
}

fn main() {}
