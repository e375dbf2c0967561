#[rpc_runtime::service]
pub trait Introspect {
    #[rpc(name = "system.listMethods")]
    async fn list(&self) -> Vec<String>;
    #[rpc(aliases = ["system.ping"])]
    async fn ping(&self) -> bool;
}

#[rpc_runtime::service(namespace = "system")]
pub trait System {
    async fn version(&self) -> String;
}

fn main() {}
