#[rpc_runtime::service]
pub trait Store<T> {
    async fn get(&self) -> i32;
}

#[rpc_runtime::service]
pub trait Echo {
    async fn echo<T>(&self, value: T) -> T;
    async fn tagged<'a>(&self, value: String) -> String;
    async fn bounded(&self, value: String) -> String where Self: Sized;
}

fn main() {}
