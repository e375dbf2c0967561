//! The service every server under test offers, declared once with the service macro,
//! which generates this framework's server dispatch (`BenchServer`) and typed client
//! (`BenchClient`).

use crate::payload::Item;

/// The methods every server under test offers.
#[rpc_runtime::service]
pub trait Bench {
    /// The sum of two integers.
    async fn add(&self, a: i32, b: i32) -> i32;
    /// Its argument, decoded into typed records and encoded again.
    async fn echo(&self, items: Vec<Item>) -> Vec<Item>;
}

/// The implementation served by this framework.
pub struct BenchImpl;

impl Bench for BenchImpl {
    async fn add(&self, a: i32, b: i32) -> i32 {
        a.wrapping_add(b)
    }

    async fn echo(&self, items: Vec<Item>) -> Vec<Item> {
        items
    }
}
