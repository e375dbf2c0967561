//! The server that interoperability suites drive: Python's `xmlrpc.client`, xmlrpc-c's
//! `xmlrpc` command and Perl's `RPC::XML` call it in this workspace's tests, and any other
//! XML-RPC stack can.
//!
//! ```text
//! cargo run --example interop_server -- --listen 127.0.0.1:0
//! ```
//!
//! Its contract is stable:
//!
//! * command line: `--listen ADDR` (default `127.0.0.1:0`); the first stdout line is
//!   `listening on http://HOST:PORT/`; SIGINT or SIGTERM stops it gracefully with exit 0;
//! * paths `/` and `/RPC2`; any other path is 404, any method but POST 405, a body over the
//!   server's limit 413; malformed XML is HTTP 200 with fault -32700, an unknown method
//!   -32601, wrong parameter count or types -32602;
//! * the eight methods of the UserLand validator1 suite, under `validator1.`;
//! * `interop.echo(value)`: its argument unchanged, any type (nil and `<i8>` included) at any
//!   nesting;
//! * `interop.add(a, b)` on i64: `<i4>` when the sum fits 32 bits, `<i8>` otherwise; a sum
//!   past i64 is fault -32602;
//! * `interop.fault(code, message)`: a fault with exactly that code and message;
//! * `interop.sleep(ms)`: waits `ms` milliseconds (at most 60 000) without holding up other
//!   calls, then returns `ms`;
//! * `interop.panic()`: panics in the handler; the reply is fault -32603 and the server
//!   keeps serving;
//! * `interop.ping()`: `"pong"` (a call without parameters);
//! * `interop.nothing()`: nil;
//! * `interop.samples()`: the struct `{big: <i8>9007199254740993, cr: "a\rb", truth: true,
//!   when: 20200102T03:04:05}`;
//! * `interop.authorization()`: the request's `Authorization` header, `""` without one;
//! * `interop.pair(n: int, s: string)`: `[n, s]`;
//! * `system.listMethods`, `system.methodHelp`, `system.methodSignature`, `system.multicall`
//!   and `system.getCapabilities`, built into the server.

#[path = "support/cli.rs"]
mod cli;

use std::collections::BTreeMap;
use std::time::Duration;

use rpc_runtime::fault::INVALID_PARAMS;
use rpc_runtime::{Binary, Context, DateTime, Fault, Value};
use serde::{Deserialize, Serialize};

/// The longest `interop.sleep`, in milliseconds.
const MAX_SLEEP_MS: u64 = 60_000;

/// Methods for interoperability tests.
#[rpc_runtime::service(namespace = "interop")]
pub trait Interop {
    /// Returns its argument unchanged, whatever its type.
    async fn echo(&self, value: Value) -> Value;

    /// Returns `a + b`: `<i4>` when it fits 32 bits, `<i8>` otherwise.
    async fn add(&self, a: i64, b: i64) -> Result<i64, Fault>;

    /// Answers a fault with exactly this code and message.
    async fn fault(&self, code: i32, message: String) -> Result<(), Fault>;

    /// Waits `ms` milliseconds (at most 60000) without holding up other calls; returns `ms`.
    async fn sleep(&self, ms: u64) -> Result<u64, Fault>;

    /// Panics: the server answers fault -32603 and goes on serving.
    async fn panic(&self);

    /// Returns `"pong"`.
    async fn ping(&self) -> String;

    /// Returns nil.
    async fn nothing(&self) -> Option<i32>;

    /// Returns values a client must read exactly: an `<i8>`, a carriage return, a boolean
    /// and a date.
    async fn samples(&self) -> Samples;

    /// Returns the request's `Authorization` header, or `""`.
    async fn authorization(&self) -> String;

    /// Returns `[n, s]`.
    async fn pair(&self, n: i32, s: String) -> (i32, String);
}

/// What `interop.samples` returns.
#[derive(Debug, Serialize, Deserialize)]
pub struct Samples {
    big: i64,
    cr: String,
    truth: bool,
    when: DateTime,
}

/// The UserLand validator1 suite.
#[rpc_runtime::service(namespace = "validator1")]
pub trait Validator1 {
    /// The sum of the `curly` members of an array of structs.
    #[rpc(name = "arrayOfStructsTest")]
    async fn array_of_structs_test(&self, structs: Vec<Stooges>) -> Result<i32, Fault>;

    /// Counts `<`, `>`, `&`, `'` and `"` in a string.
    #[rpc(name = "countTheEntities")]
    async fn count_the_entities(&self, text: String) -> EntityCounts;

    /// `moe + larry + curly` of a struct.
    #[rpc(name = "easyStructTest")]
    async fn easy_struct_test(&self, stooges: Stooges) -> Result<i32, Fault>;

    /// Returns the struct it is given.
    #[rpc(name = "echoStructTest")]
    async fn echo_struct_test(&self, value: Value) -> Result<Value, Fault>;

    /// Returns its six parameters as an array.
    #[rpc(name = "manyTypesTest")]
    async fn many_types_test(
        &self,
        number: i32,
        boolean: bool,
        string: String,
        double: f64,
        date: DateTime,
        bytes: Binary,
    ) -> (i32, bool, String, f64, DateTime, Binary);

    /// The first string of an array of 100 to 200 concatenated with the last.
    #[rpc(name = "moderateSizeArrayCheck")]
    async fn moderate_size_array_check(&self, strings: Vec<String>) -> Result<String, Fault>;

    /// `moe + larry + curly` of the day `["2000"]["04"]["01"]` of a calendar struct.
    #[rpc(name = "nestedStructTest")]
    async fn nested_struct_test(&self, calendar: Calendar) -> Result<i32, Fault>;

    /// `{times10, times100, times1000}` of a number.
    #[rpc(name = "simpleStructReturnTest")]
    async fn simple_struct_return_test(&self, n: i32) -> Result<Multiples, Fault>;
}

/// A struct with at least the members `moe`, `larry` and `curly`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Stooges {
    moe: i32,
    larry: i32,
    curly: i32,
}

/// year -> month -> day -> the day's struct.
pub type Calendar = BTreeMap<String, BTreeMap<String, BTreeMap<String, Value>>>;

/// The result of `validator1.countTheEntities`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityCounts {
    ct_left_angle_brackets: i32,
    ct_right_angle_brackets: i32,
    ct_ampersands: i32,
    ct_apostrophes: i32,
    ct_quotes: i32,
}

/// The result of `validator1.simpleStructReturnTest`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Multiples {
    times10: i32,
    times100: i32,
    times1000: i32,
}

fn invalid(message: impl Into<String>) -> Fault {
    Fault::new(INVALID_PARAMS, message)
}

fn overflow() -> Fault {
    invalid("the result does not fit a 32-bit int")
}

fn sum_stooges(s: &Stooges) -> Result<i32, Fault> {
    s.moe
        .checked_add(s.larry)
        .and_then(|n| n.checked_add(s.curly))
        .ok_or_else(overflow)
}

/// The implementation of both services.
#[derive(Debug, Clone, Copy, Default)]
pub struct Impl;

impl Interop for Impl {
    async fn echo(&self, value: Value) -> Value {
        value
    }

    async fn add(&self, a: i64, b: i64) -> Result<i64, Fault> {
        a.checked_add(b)
            .ok_or_else(|| invalid(format!("{a} + {b} does not fit a 64-bit int")))
    }

    async fn fault(&self, code: i32, message: String) -> Result<(), Fault> {
        Err(Fault::new(code, message))
    }

    async fn sleep(&self, ms: u64) -> Result<u64, Fault> {
        if ms > MAX_SLEEP_MS {
            return Err(invalid(format!("sleep: at most {MAX_SLEEP_MS} ms")));
        }
        tokio::time::sleep(Duration::from_millis(ms)).await;
        Ok(ms)
    }

    async fn panic(&self) {
        panic!("interop.panic was called");
    }

    async fn ping(&self) -> String {
        "pong".to_owned()
    }

    async fn nothing(&self) -> Option<i32> {
        None
    }

    async fn samples(&self) -> Samples {
        Samples {
            big: 9_007_199_254_740_993,
            cr: "a\rb".to_owned(),
            truth: true,
            when: DateTime::new(2020, 1, 2, 3, 4, 5).expect("a valid date"),
        }
    }

    async fn authorization(&self) -> String {
        Context::try_current()
            .and_then(|cx| {
                cx.headers()
                    .get(http::header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            })
            .unwrap_or_default()
    }

    async fn pair(&self, n: i32, s: String) -> (i32, String) {
        (n, s)
    }
}

impl Validator1 for Impl {
    async fn array_of_structs_test(&self, structs: Vec<Stooges>) -> Result<i32, Fault> {
        structs
            .iter()
            .try_fold(0i32, |sum, s| sum.checked_add(s.curly))
            .ok_or_else(overflow)
    }

    async fn count_the_entities(&self, text: String) -> EntityCounts {
        let count =
            |c: char| i32::try_from(text.chars().filter(|&x| x == c).count()).unwrap_or(i32::MAX);
        EntityCounts {
            ct_left_angle_brackets: count('<'),
            ct_right_angle_brackets: count('>'),
            ct_ampersands: count('&'),
            ct_apostrophes: count('\''),
            ct_quotes: count('"'),
        }
    }

    async fn easy_struct_test(&self, stooges: Stooges) -> Result<i32, Fault> {
        sum_stooges(&stooges)
    }

    async fn echo_struct_test(&self, value: Value) -> Result<Value, Fault> {
        match value {
            Value::Struct(_) => Ok(value),
            other => Err(invalid(format!(
                "echoStructTest takes a struct, not {}",
                other.type_name()
            ))),
        }
    }

    async fn many_types_test(
        &self,
        number: i32,
        boolean: bool,
        string: String,
        double: f64,
        date: DateTime,
        bytes: Binary,
    ) -> (i32, bool, String, f64, DateTime, Binary) {
        (number, boolean, string, double, date, bytes)
    }

    async fn moderate_size_array_check(&self, strings: Vec<String>) -> Result<String, Fault> {
        match (strings.first(), strings.last()) {
            (Some(first), Some(last)) => Ok(format!("{first}{last}")),
            _ => Err(invalid("moderateSizeArrayCheck takes a non-empty array")),
        }
    }

    async fn nested_struct_test(&self, calendar: Calendar) -> Result<i32, Fault> {
        let day = calendar
            .get("2000")
            .and_then(|year| year.get("04"))
            .and_then(|month| month.get("01"))
            .ok_or_else(|| invalid("the calendar has no day 2000-04-01"))?;
        let stooges: Stooges = rpc_runtime::from_value(day.clone())
            .map_err(|e| invalid(format!("day 2000-04-01: {e}")))?;
        sum_stooges(&stooges)
    }

    async fn simple_struct_return_test(&self, n: i32) -> Result<Multiples, Fault> {
        Ok(Multiples {
            times10: n.checked_mul(10).ok_or_else(overflow)?,
            times100: n.checked_mul(100).ok_or_else(overflow)?,
            times1000: n.checked_mul(1000).ok_or_else(overflow)?,
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listen = cli::listen_addr("interop_server", "127.0.0.1:0");
    let server = rpc_runtime::server::Server::builder()
        .service(InteropServer::new(Impl))
        .service(Validator1Server::new(Impl))
        .bind(listen)
        .await?;
    let stop = cli::shutdown_signal();
    cli::announce(server.local_addr(), "/");
    server.serve_with_shutdown(stop).await?;
    Ok(())
}
