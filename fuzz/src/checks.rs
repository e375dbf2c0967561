//! What each fuzz target checks, for one input. A check panics only when it finds a bug:
//! a panic inside the library, or an accepted input that does not survive being written and
//! read again.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use rpc_runtime::server::{RpcService, Server};
use rpc_runtime::service::CallFuture;
use rpc_runtime::{
    Binary, CallWriter, Config, DateTime, Fault, MethodInfo, Params, Service, Value,
};
use serde::{Deserialize, Serialize};

/// Reading a `<methodCall>`: every accepted call re-encodes and re-reads to the same values.
pub fn parse_call(data: &[u8]) {
    let config = Config::DEFAULT;
    let Ok(call) = rpc_runtime::parse_call(data, &config) else {
        return;
    };
    let name = call.name.into_owned();
    let Ok(values) = call.params.into_values() else {
        return;
    };
    let mut writer = CallWriter::new(&name).expect("an accepted method name can be written");
    for v in &values {
        writer
            .param(v, &config)
            .expect("an accepted value can be written");
    }
    let doc = writer.finish();
    let again = rpc_runtime::parse_call(&doc, &config).expect("written call reads back");
    assert_eq!(again.name, name);
    assert_eq!(
        again
            .params
            .into_values()
            .expect("written params read back"),
        values
    );
}

/// Reading a `<methodResponse>`: results and faults re-encode and re-read unchanged.
pub fn parse_response(data: &[u8]) {
    let config = Config::DEFAULT;
    match rpc_runtime::parse_response::<Value>(data, &config) {
        Ok(Ok(value)) => {
            let doc = rpc_runtime::encode_response(&value, &config)
                .expect("an accepted value can be written");
            let again = rpc_runtime::parse_response::<Value>(&doc, &config)
                .expect("written response reads back");
            assert_eq!(again, Ok(value));
        }
        Ok(Err(fault)) => {
            let doc = rpc_runtime::encode_fault(&fault);
            let again = rpc_runtime::parse_response::<Value>(&doc, &config)
                .expect("written fault reads back");
            assert_eq!(again, Err(fault));
        }
        Err(_) => {}
    }
}

/// A record with most shapes serde can give, for the typed path.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    name: String,
    #[serde(default)]
    id: i64,
    score: Option<f64>,
    tags: Vec<String>,
    #[serde(rename = "when", default)]
    at: Option<DateTime>,
    #[serde(default)]
    blob: Option<Binary>,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    extra: HashMap<String, Value>,
    #[serde(default)]
    pair: Option<(i32, bool)>,
    #[serde(flatten)]
    rest: HashMap<String, Value>,
}

/// Enum shapes of the documented encoding.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub enum Kind {
    /// A unit variant: a string on the wire.
    Plain,
    /// A newtype variant.
    Count(u32),
    /// A tuple variant.
    Pair(i8, String),
    /// A struct variant.
    Named {
        /// A member.
        x: u16,
    },
}

/// Reading typed parameters: never a panic; whatever is accepted writes and reads back.
pub fn typed(data: &[u8]) {
    let config = Config::DEFAULT;
    let Ok(call) = rpc_runtime::parse_call(data, &config) else {
        return;
    };
    let mut params = call.params;
    let Ok(record) = params.next::<Record>() else {
        return;
    };
    let Ok(more) = params.next_opt::<Vec<Option<Kind>>>() else {
        return;
    };
    if params.finish().is_err() {
        return;
    }
    let mut writer = CallWriter::new("typed").expect("fixed name");
    writer
        .param(&record, &config)
        .expect("an accepted record can be written");
    if let Some(more) = &more {
        writer.param(more, &config).expect("enum list writes");
    }
    let doc = writer.finish();
    let call = rpc_runtime::parse_call(&doc, &config).expect("written call reads back");
    let mut params = call.params;
    let again: Record = params.next().expect("written record reads back");
    assert_eq!(again, record);
}

struct Echo;

impl Service for Echo {
    fn methods(&self) -> Vec<MethodInfo> {
        vec![MethodInfo {
            name: "echo",
            aliases: &[],
            help: "Returns its argument.",
            signature: || vec!["undef"],
        }]
    }

    fn call(
        self: Arc<Self>,
        method: &str,
        mut params: Params<'_>,
    ) -> Option<Result<CallFuture, Fault>> {
        if method != "echo" {
            return None;
        }
        let value = match params.next::<Value>() {
            Ok(v) => v,
            Err(e) => return Some(Err(e.to_fault())),
        };
        if let Err(e) = params.finish() {
            return Some(Err(e.to_fault()));
        }
        Some(Ok(Box::pin(async move {
            let mut out = Vec::new();
            rpc_runtime::ser::write_value(&mut out, &value, &Config::DEFAULT)
                .map_err(|e| e.to_fault())?;
            Ok(out)
        })))
    }
}

fn server() -> &'static (tokio::runtime::Runtime, RpcService) {
    static SERVER: OnceLock<(tokio::runtime::Runtime, RpcService)> = OnceLock::new();
    SERVER.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let svc = Server::builder()
            .service(Echo)
            .into_service()
            .expect("valid server");
        (rt, svc)
    })
}

/// The server's request path without sockets: any method, headers and body get one of the
/// documented statuses, and a 200 always carries a readable `<methodResponse>`.
pub fn server_request(data: &[u8]) {
    let (Some(&op), Some(&flags)) = (data.first(), data.get(1)) else {
        return;
    };
    let body = Bytes::copy_from_slice(&data[2..]);
    let method = match op % 4 {
        0 | 3 => http::Method::POST,
        1 => http::Method::GET,
        _ => http::Method::PUT,
    };
    let path = ["/", "/RPC2", "/other", "/RPC2?x=1"][usize::from(flags & 3)];
    let mut req = http::Request::builder().method(method).uri(path);
    if flags & 4 != 0 {
        req = req.header("content-encoding", "gzip");
    }
    if flags & 8 != 0 {
        req = req.header("accept-encoding", "gzip");
    }
    if flags & 16 != 0 {
        req = req.header("content-type", "text/plain");
    }
    if flags & 32 != 0 {
        req = req.header("content-encoding", "br");
    }
    let req = req.body(Full::new(body)).expect("valid request");
    let (rt, svc) = server();
    let mut svc = svc.clone();
    let res = rt
        .block_on(tower_service::Service::call(&mut svc, req))
        .expect("infallible");
    let status = res.status().as_u16();
    assert!(
        [200, 400, 401, 404, 405, 408, 411, 413, 415, 431, 503].contains(&status),
        "unexpected status {status}"
    );
    if status == 200 && res.headers().get("content-encoding").is_none() {
        let bytes = rt
            .block_on(res.into_body().collect())
            .expect("infallible")
            .to_bytes();
        let reply = rpc_runtime::parse_response::<Value>(&bytes, &Config::DEFAULT);
        assert!(reply.is_ok(), "a 200 reply is a readable methodResponse");
    }
}
