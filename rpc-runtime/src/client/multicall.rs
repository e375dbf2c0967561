//! Several calls in one request: `system.multicall`.

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::fault::Fault;
use crate::ser::write_value;
use crate::value::Value;

use super::{Client, ToParams};

/// A batch of calls sent as one `system.multicall`; made by [`Client::multicall`].
///
/// ```no_run
/// # async fn f(client: rpc_runtime::Client) -> rpc_runtime::Result<()> {
/// let results = client
///     .multicall()
///     .call("add", (2, 3))
///     .call("div", (1, 0))
///     .send()
///     .await?;
/// assert_eq!(results[0], Ok(rpc_runtime::Value::Int(5)));
/// # Ok(()) }
/// ```
///
/// Each result is the call's value or its fault, in the order of the calls; convert a
/// value with [`from_value`](crate::from_value). An error encoding a call is reported by
/// [`send`](Self::send).
#[derive(Debug)]
pub struct Multicall<'c> {
    client: &'c Client,
    batch: Batch,
}

/// The calls of a batch written so far.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// The items of the one array parameter, as XML.
    items: Vec<u8>,
    count: usize,
    error: Option<Error>,
}

impl Batch {
    pub(crate) fn push(&mut self, method: &str, params: &impl ToParams, config: &Config) {
        if self.error.is_some() {
            return;
        }
        let mark = self.items.len();
        let out = &mut self.items;
        out.extend_from_slice(b"<value><struct><member><name>methodName</name>");
        let written = write_value(out, method, config).and_then(|()| {
            out.extend_from_slice(b"</member><member><name>params</name><value><array><data>");
            params.write_values(out, config)
        });
        match written {
            Ok(()) => {
                out.extend_from_slice(b"</data></array></value></member></struct></value>");
                self.count += 1;
            }
            Err(e) => {
                out.truncate(mark);
                self.error = Some(e);
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// The request document, or the first encoding error.
    pub(crate) fn into_body(self) -> Result<Vec<u8>> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mut out = Vec::with_capacity(self.items.len() + 160);
        out.extend_from_slice(
            b"<?xml version=\"1.0\"?><methodCall><methodName>system.multicall</methodName>\
              <params><param><value><array><data>",
        );
        out.extend_from_slice(&self.items);
        out.extend_from_slice(b"</data></array></value></param></params></methodCall>");
        Ok(out)
    }
}

/// Splits a `system.multicall` answer into per-call results.
pub(crate) fn split_results(
    values: Vec<Value>,
    expected: usize,
) -> Result<Vec<Result<Value, Fault>>> {
    if values.len() != expected {
        return Err(Error::new(
            ErrorKind::Invalid,
            format!(
                "system.multicall answered {} results for {expected} calls",
                values.len()
            ),
        ));
    }
    values
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Array(mut one) if one.len() == 1 => Ok(Ok(one.pop().unwrap_or_default())),
            Value::Struct(s) => match (
                s.get("faultCode").and_then(Value::as_i32),
                s.get("faultString").and_then(Value::as_str),
            ) {
                (Some(code), Some(string)) => Ok(Err(Fault::new(code, string))),
                _ => Err(bad_item(i)),
            },
            _ => Err(bad_item(i)),
        })
        .collect()
}

fn bad_item(i: usize) -> Error {
    Error::new(
        ErrorKind::Invalid,
        format!("system.multicall result {i} is neither a one-element array nor a fault struct"),
    )
    .in_path(crate::error::PathSegment::Index(i))
}

impl<'c> Multicall<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Multicall {
            client,
            batch: Batch::default(),
        }
    }

    /// Adds a call of `method` with `params` (a tuple, as for [`Client::call`]).
    #[must_use]
    pub fn call(mut self, method: &str, params: impl ToParams) -> Self {
        self.push(method, params);
        self
    }

    /// Adds a call, for batches built in a loop.
    pub fn push(&mut self, method: &str, params: impl ToParams) -> &mut Self {
        self.batch.push(method, &params, self.client.codec_config());
        self
    }

    /// The number of calls added.
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    /// Whether no call was added.
    pub fn is_empty(&self) -> bool {
        self.batch.len() == 0
    }

    /// Sends the batch; each item is the value or fault of one call, in order.
    pub async fn send(self) -> Result<Vec<Result<Value, Fault>>> {
        let expected = self.batch.len();
        let body = self.batch.into_body()?;
        let values: Vec<Value> = self.client.call_xml(body).await?;
        split_results(values, expected)
    }
}
