//! The bench's data: the shared request files, the `Item` record they carry, and the exact
//! HTTP requests every server receives.

use std::path::PathBuf;

#[cfg(feature = "peers")]
use dxr::{TryFromValue, TryToValue};
use serde::{Deserialize, Serialize};

/// One struct of `medium.xml` (`{name, id, score, tags, active}`), readable and writable by
/// both this framework (serde) and dxr (its derives).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "peers", derive(TryFromValue, TryToValue))]
pub struct Item {
    /// `user-NNN <Lovelace & Babbage>`.
    pub name: String,
    /// A six-digit number.
    pub id: i32,
    /// A number with two decimals.
    pub score: f64,
    /// Three short strings.
    pub tags: Vec<String>,
    /// Every other item.
    pub active: bool,
}

/// Reads a bench input from `$BENCH_DATA/NAME` when that variable is set, else from
/// `rpc-runtime/benches/data/` (copies of the shared `small.xml`, `medium.xml` and
/// `medium.response.xml`).
pub fn load(name: &str) -> Vec<u8> {
    let dir = std::env::var_os("BENCH_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rpc-runtime/benches/data"),
        PathBuf::from,
    );
    let path = dir.join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A request the load is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// `add(5, 10)`, 185 bytes.
    Small,
    /// `echo([100 structs])`, about 56 KB.
    Medium,
}

impl Workload {
    /// The name used on the command line and in the table.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Small => "small",
            Workload::Medium => "medium",
        }
    }

    /// Parses a command-line name.
    pub fn parse(s: &str) -> Option<Workload> {
        match s {
            "small" => Some(Workload::Small),
            "medium" => Some(Workload::Medium),
            _ => None,
        }
    }

    /// The request body (the shared file, byte for byte).
    pub fn body(self) -> Vec<u8> {
        match self {
            Workload::Small => load("small.xml"),
            Workload::Medium => load("medium.xml"),
        }
    }

    /// The reply a bare server answers: for `medium`, `medium.response.xml` (Python's
    /// answer to the echo); for `small`, Python's answer to `add(5, 10)`.
    pub fn fixed_reply(self) -> Vec<u8> {
        match self {
            Workload::Small => SMALL_REPLY.to_vec(),
            Workload::Medium => load("medium.response.xml"),
        }
    }
}

/// `add(5, 10)` answered by Python 3.11's `SimpleXMLRPCServer`.
pub const SMALL_REPLY: &[u8] = b"<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>15</int></value>\n</param>\n</params>\n</methodResponse>\n";

/// A POST request with `body`, headed as Python's `xmlrpc.client` heads it but without
/// `Accept-Encoding: gzip`, so that no server compresses its reply.
pub fn http_request(body: &[u8]) -> Vec<u8> {
    let mut req = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: Python-xmlrpc/3.11\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    req
}

/// `n` items shaped like those of `medium.xml`.
pub fn items(n: usize) -> Vec<Item> {
    (0..n)
        .map(|i| {
            let i = i32::try_from(i).unwrap_or(i32::MAX);
            Item {
                name: format!("user-{i:03} <Lovelace & Babbage>"),
                id: 100_000_i32.wrapping_add(i.wrapping_mul(7)),
                score: format!("{:.2}", 0.25 + 1.37 * f64::from(i % 100_000))
                    .parse()
                    .unwrap_or(0.0),
                tags: vec![
                    format!("tag-{}", i % 5),
                    "xml-rpc".to_owned(),
                    format!("group-{}", i % 3),
                ],
                active: i % 2 == 0,
            }
        })
        .collect()
}
