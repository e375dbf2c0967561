//! Fuzz targets of rpc-runtime. The checks live in `checks.rs`, which the runtime's test
//! suite also includes to replay the kept corpus on every `cargo test`.

#[path = "checks.rs"]
pub mod checks;
