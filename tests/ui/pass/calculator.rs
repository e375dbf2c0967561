//! The example of the macro's documentation, with every kind of method.

use rpc_runtime::{Fault, FromFault, IntoFault, Service};
use serde::{Deserialize, Serialize};

/// Why a division failed.
#[derive(Debug)]
pub enum MathError {
    /// The divisor was zero.
    DivisionByZero,
}

impl IntoFault for MathError {
    fn into_fault(self) -> Fault {
        Fault::new(1, "division by zero")
    }
}

impl FromFault for MathError {
    fn from_fault(fault: Fault) -> Result<Self, Fault> {
        if fault.code == 1 { Ok(MathError::DivisionByZero) } else { Err(fault) }
    }
}

/// Window settings.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Settings {
    /// The title.
    pub title: String,
}

/// Arithmetic.
#[rpc_runtime::service(namespace = "math")]
pub trait Calculator {
    /// Adds two numbers.
    async fn add(&self, a: i32, b: i32) -> i32;
    /// Divides, refusing zero.
    async fn div(&self, a: f64, b: f64) -> Result<f64, MathError>;
    /// The sum of a list, on the blocking pool.
    #[rpc(name = "sum", aliases = ["plus"])]
    fn total(&self, xs: Vec<i64>) -> i64;
    /// Shows a window.
    async fn show(&self, port: u16, settings: Option<Settings>) -> bool;
    /// Does nothing.
    async fn nothing(&self);
}

struct Calc;

impl Calculator for Calc {
    async fn add(&self, a: i32, b: i32) -> i32 {
        a + b
    }
    async fn div(&self, a: f64, b: f64) -> Result<f64, MathError> {
        if b == 0.0 { Err(MathError::DivisionByZero) } else { Ok(a / b) }
    }
    fn total(&self, xs: Vec<i64>) -> i64 {
        xs.iter().sum()
    }
    async fn show(&self, port: u16, settings: Option<Settings>) -> bool {
        port > 0 && settings.is_some()
    }
    async fn nothing(&self) {}
}

fn assert_send<T: Send>(_: T) {}

#[allow(dead_code)]
async fn use_client(client: CalculatorClient) {
    let _: Result<i32, rpc_runtime::Error> = client.add(1, 2).await;
    let _: Result<f64, rpc_runtime::CallError<MathError>> = client.div(1.0, 0.0).await;
    let _: Result<i64, rpc_runtime::Error> = client.total(vec![1, 2]).await;
    let _: Result<bool, rpc_runtime::Error> = client.show(1, None).await;
    let _: Result<(), rpc_runtime::Error> = client.nothing().await;
    assert_send(client.add(1, 2));
    assert_send(client.div(1.0, 2.0));
    assert_send(client.show(1, None));
    let _: &rpc_runtime::Client = client.client();
}

#[allow(dead_code)]
fn use_blocking(client: CalculatorBlockingClient) {
    let _: Result<i32, rpc_runtime::Error> = client.add(1, 2);
    let _: Result<f64, rpc_runtime::CallError<MathError>> = client.div(1.0, 0.0);
    let _ = CalculatorBlockingClient::from_client(client.client().clone());
}

fn main() {
    let server = CalculatorServer::new(Calc);
    let names: Vec<_> = server.methods().iter().map(|m| m.name).collect();
    assert_eq!(names, ["math.add", "math.div", "math.sum", "math.show", "math.nothing"]);
    let methods = server.methods();
    assert_eq!(methods[2].aliases, ["plus"]);
    assert_eq!(methods[0].help, "Adds two numbers.");
    assert_eq!((methods[0].signature)(), ["int", "int", "int"]);
    assert_eq!((methods[1].signature)(), ["double", "double", "double"]);
    assert_eq!((methods[2].signature)(), ["int", "array"]);
    assert_eq!((methods[3].signature)(), ["boolean", "int", "struct"]);
    assert_eq!((methods[4].signature)(), ["nil"]);
    let _: fn(CalculatorServer<Calc>) -> Calc = CalculatorServer::into_inner;
    let _ = server.inner();
}
