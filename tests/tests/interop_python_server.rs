//! The Rust client against Python's `SimpleXMLRPCServer` (`tests/interop/py_server.py`):
//! the conformance cases B1-B25, and D2 (validator1 through a generated client).
//!
//! The Python server registers `add`, `div`, `echo(*a)`, `rep`, `none`, `big`, `fault`,
//! `noargs`, the validator1 methods and `last_request()` (number, path, headers and body of
//! the request before), with introspection and multicall unless told otherwise.

use std::time::Duration;

use rpc_runtime::{Binary, Client, DateTime, Error, ErrorKind, Fault, Struct, Value};
use rpc_tests::{CaseReport, Server};
use serde::de::DeserializeOwned;

/// The `echo` of the Python server, as a generated client sees it.
#[rpc_runtime::service]
pub trait PyEcho {
    /// `echo(value)`: one argument comes back as it is.
    async fn echo(&self, value: Value) -> Value;
    /// `add(a, b)`.
    async fn add(&self, a: i32, b: i32) -> i32;
}

/// validator1 as the Python reference server implements it (D2).
#[rpc_runtime::service(namespace = "validator1")]
pub trait Validator1 {
    /// Sum of the `curly` members.
    #[rpc(name = "arrayOfStructsTest")]
    async fn array_of_structs_test(&self, structs: Vec<Value>) -> i32;
    /// Counts of the five XML special characters.
    #[rpc(name = "countTheEntities")]
    async fn count_the_entities(&self, text: String) -> Value;
    /// `moe + larry + curly`.
    #[rpc(name = "easyStructTest")]
    async fn easy_struct_test(&self, stooges: Value) -> i32;
    /// The struct, unchanged.
    #[rpc(name = "echoStructTest")]
    async fn echo_struct_test(&self, value: Value) -> Value;
    /// The six parameters as an array.
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
    /// First and last strings concatenated.
    #[rpc(name = "moderateSizeArrayCheck")]
    async fn moderate_size_array_check(&self, strings: Vec<String>) -> String;
    /// `moe + larry + curly` of `["2000"]["04"]["01"]`.
    #[rpc(name = "nestedStructTest")]
    async fn nested_struct_test(&self, calendar: Value) -> i32;
    /// `{times10, times100, times1000}`.
    #[rpc(name = "simpleStructReturnTest")]
    async fn simple_struct_return_test(&self, n: i32) -> Value;
}

const TIMEOUT: Duration = Duration::from_secs(60);

type Outcome = Result<String, String>;

/// Runs one case: the future's output type is fixed here, so `?` works inside it.
async fn run(case: impl std::future::Future<Output = Outcome>) -> Outcome {
    case.await
}

/// Calls `method` with parameters known only at run time: one `<param>` per value.
async fn call<T: DeserializeOwned>(
    client: &Client,
    method: &str,
    params: &[Value],
) -> Result<T, Error> {
    tokio::time::timeout(TIMEOUT, client.call(method, params))
        .await
        .map_err(|_| {
            Error::new(
                ErrorKind::Timeout,
                format!("{method}: no answer in {TIMEOUT:?}"),
            )
        })?
}

fn want_eq<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

fn want_fault<T: std::fmt::Debug>(
    what: &str,
    got: Result<T, Error>,
    code: i32,
    string: &str,
) -> Result<(), String> {
    match got {
        Err(e) => match e.fault() {
            Some(f) => want_eq(what, f.clone(), Fault::new(code, string)),
            None => Err(format!("{what}: {e} ({:?}), not a fault", e.kind())),
        },
        Ok(v) => Err(format!("{what}: got {v:?}, want fault {code}")),
    }
}

fn err(e: Error) -> String {
    format!("{e} ({:?})", e.kind())
}

fn strct(members: &[(&str, Value)]) -> Value {
    let mut s = Struct::new();
    for (k, v) in members {
        s.insert(*k, v.clone());
    }
    Value::Struct(s)
}

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

/// `last_request()` of the Python server: the request before this call.
async fn last_request(client: &Client) -> Result<Value, String> {
    call::<Value>(client, "last_request", &[])
        .await
        .map_err(err)
}

fn header<'v>(request: &'v Value, name: &str) -> Option<&'v str> {
    request.get("headers")?.get(name)?.as_str()
}

const OVERFLOW: &str = "<class 'OverflowError'>:int exceeds XML-RPC limits";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_client_against_python_server() {
    let server = Server::python("py_server.py", &[]);
    let url = server.url().to_owned();
    let client = Client::new(&url).expect("client");
    let mut report = CaseReport::default();

    report.record(
        "B1",
        run(async {
            let r: i32 = client.call("add", (5, 10)).await.map_err(err)?;
            want_eq("add(5, 10)", r, 15)?;
            let req = last_request(&client).await?;
            want_eq(
                "path",
                req.get("path").and_then(Value::as_str),
                Some("/RPC2"),
            )?;
            if header(&req, "content-length").is_none()
                || header(&req, "transfer-encoding").is_some()
            {
                return Err(format!("request framing: {req:?}"));
            }
            Ok(format!(
                "15; POST /RPC2 with Content-Length, User-Agent {:?}",
                header(&req, "user-agent")
            ))
        })
        .await,
    );

    report.record(
        "B2",
        run(async {
            for i in 0..20 {
                let r: i32 = call(&client, "add", &[Value::Int(i), Value::Int(1)])
                    .await
                    .map_err(err)?;
                want_eq("add", r, i + 1)?;
            }
            Ok("20 sequential calls over HTTP/1.0 close".to_owned())
        })
        .await,
    );

    report.record(
        "B3",
        run(async {
            let mut tasks = Vec::new();
            for i in 0..8 {
                let client = client.clone();
                tasks.push(tokio::spawn(async move {
                    call::<i32>(&client, "add", &[Value::Int(i), Value::Int(100)]).await
                }));
            }
            for (i, t) in tasks.into_iter().enumerate() {
                let r = t.await.map_err(|e| e.to_string())?.map_err(err)?;
                want_eq("concurrent add", r, i as i32 + 100)?;
            }
            Ok("8 concurrent calls to a single-threaded server".to_owned())
        })
        .await,
    );

    report.record(
        "B4",
        run(async {
            want_fault(
                "div(1, 0)",
                call::<Value>(&client, "div", &[Value::Int(1), Value::Int(0)]).await,
                1,
                "<class 'ZeroDivisionError'>:division by zero",
            )?;
            Ok("Fault 1 with the decoded <class …> string".to_owned())
        })
        .await,
    );

    report.record(
        "B5",
        run(async {
            want_fault(
                "nosuch()",
                call::<Value>(&client, "nosuch", &[]).await,
                1,
                "<class 'Exception'>:method \"nosuch\" is not supported",
            )?;
            Ok("Python's unknown-method fault is code 1".to_owned())
        })
        .await,
    );

    report.record(
        "B6",
        run(async {
            want_fault(
                "fault()",
                call::<Value>(&client, "fault", &[]).await,
                42,
                "custom fault <&>",
            )?;
            Ok("Fault 42".to_owned())
        })
        .await,
    );

    report.record(
        "B7",
        run(async {
            let wrong = Client::new(&server.url_with_path("/wrong")).map_err(err)?;
            match call::<Value>(&wrong, "add", &[Value::Int(1), Value::Int(2)]).await {
                Err(e) if e.status() == Some(404) && e.fault().is_none() => {
                    Ok(format!("HTTP 404: {e}"))
                }
                other => Err(format!("call to /wrong: {other:?}")),
            }
        })
        .await,
    );

    report.record(
        "B8",
        run(async {
            let r: Value = call(&client, "echo", &[Value::Nil]).await.map_err(err)?;
            want_eq("echo(None) with allow_none", r, Value::Nil)?;
            let r: Option<i32> = call(&client, "none", &[]).await.map_err(err)?;
            want_eq("none()", r, None)?;
            Ok(
                "nil both ways with allow_none=True (allow_none=False: see B8_no_allow_none)"
                    .to_owned(),
            )
        })
        .await,
    );

    report.record(
        "B9",
        run(async {
            want_fault(
                "echo(9e9)",
                call::<Value>(&client, "echo", &[Value::Long(9_000_000_000)]).await,
                1,
                OVERFLOW,
            )?;
            let req = last_request(&client).await?;
            let body = req.get("body").and_then(Value::as_str).unwrap_or_default();
            if !body.contains("<i8>9000000000</i8>") {
                return Err(format!("request body {body:?} lacks <i8>"));
            }
            Ok("sent <i8>; Python cannot answer it".to_owned())
        })
        .await,
    );

    report.record(
        "B10",
        run(async {
            want_fault(
                "big()",
                call::<Value>(&client, "big", &[]).await,
                1,
                OVERFLOW,
            )?;
            Ok("OverflowError fault".to_owned())
        })
        .await,
    );

    report.record(
        "B11",
        run(async {
            let long = "x".repeat(5000);
            let r: String = call(&client, "echo", &[s(&long)]).await.map_err(err)?;
            want_eq("echo of 5000 chars", r.len(), 5000)?;
            let req = last_request(&client).await?;
            let enc = header(&req, "accept-encoding").unwrap_or("none").to_owned();
            Ok(format!("5000 chars back; client Accept-Encoding: {enc}"))
        })
        .await,
    );

    report.record(
        "B12",
        run(async {
            let r = client
                .multicall()
                .call("add", (2, 3))
                .call("div", (1, 0))
                .call("fault", ())
                .send()
                .await
                .map_err(err)?;
            want_eq("entry 0", r.first(), Some(&Ok(Value::Int(5))))?;
            want_eq(
                "entry 1",
                r.get(1).cloned(),
                Some(Err(Fault::new(
                    1,
                    "<class 'ZeroDivisionError'>:division by zero",
                ))),
            )?;
            want_eq(
                "entry 2",
                r.get(2).cloned(),
                Some(Err(Fault::new(42, "custom fault <&>"))),
            )?;
            Ok("[[5], fault 1, fault 42]".to_owned())
        })
        .await,
    );

    report.record(
        "B14",
        run(async {
            let list: Vec<String> = call(&client, "system.listMethods", &[])
                .await
                .map_err(err)?;
            let mut sorted = list.clone();
            sorted.sort();
            want_eq("listMethods sorted", &list, &sorted)?;
            if !list.iter().any(|m| m == "system.listMethods") {
                return Err(format!("listMethods: {list:?}"));
            }
            let sig: Value = call(&client, "system.methodSignature", &[s("add")])
                .await
                .map_err(err)?;
            want_eq("methodSignature", sig, s("signatures not supported"))?;
            let help: String = call(&client, "system.methodHelp", &[s("nosuch")])
                .await
                .map_err(err)?;
            want_eq("methodHelp(nosuch)", help, String::new())?;
            Ok(format!(
                "{} methods; the signature string decoded as a value",
                list.len()
            ))
        })
        .await,
    );

    report.record(
        "B15",
        run(async {
            want_fault(
                "getCapabilities",
                call::<Value>(&client, "system.getCapabilities", &[]).await,
                1,
                "<class 'Exception'>:method \"system.getCapabilities\" is not supported",
            )?;
            Ok("Fault 1".to_owned())
        })
        .await,
    );

    report.record(
        "B16",
        run(async {
            for x in [
                0.1,
                1e16,
                1e-7,
                -0.0,
                123456789.0,
                1.7976931348623157e308,
                5e-324,
            ] {
                let r: f64 = call(&client, "echo", &[Value::Double(x)])
                    .await
                    .map_err(err)?;
                want_eq(&format!("echo({x:?}) bits"), r.to_bits(), x.to_bits())?;
            }
            Ok("7 doubles bit-identical from Python's repr forms".to_owned())
        })
        .await,
    );

    report.record(
        "B17",
        run(async {
            let r: String = call(&client, "rep", &[s("a\rb")]).await.map_err(err)?;
            want_eq("rep(a\\rb)", r.as_str(), "'a\\rb'")?;
            let r: String = call(&client, "echo", &[s("a\rb")]).await.map_err(err)?;
            want_eq("echo(a\\rb)", r.as_str(), "a\nb")?;
            Ok("CR reached Python as &#13;; Python's raw CR came back as LF".to_owned())
        })
        .await,
    );

    report.record(
        "B18",
        run(async {
            let before = last_request(&client).await?;
            let n_before = before.get("n").and_then(Value::as_i64);
            match call::<Value>(&client, "echo", &[s("a\u{1}b")]).await {
                Ok(v) => Err(format!("\"a\\u{{1}}b\" was sent and answered {v:?}")),
                Err(e) if e.fault().is_some() => Err(format!("sent: the server answered {e}")),
                Err(e) => {
                    let after = last_request(&client).await?;
                    // `after` describes the previous last_request call: nothing was sent between.
                    want_eq(
                        "requests in between",
                        after.get("n").and_then(Value::as_i64),
                        n_before.map(|n| n + 1),
                    )?;
                    Ok(format!("refused locally: {e} ({:?})", e.kind()))
                }
            }
        })
        .await,
    );

    report.record(
        "B19",
        run(async {
            for bytes in [vec![0u8, 1, 0xff], vec![], (0..=255u8).collect()] {
                let r: Binary = call(&client, "echo", &[Value::Binary(bytes.clone())])
                    .await
                    .map_err(err)?;
                want_eq("base64 echo", r.0, bytes)?;
            }
            Ok("3 byte strings, empty included".to_owned())
        })
        .await,
    );

    report.record(
        "B20",
        run(async {
            let dt = DateTime::new(1998, 7, 17, 14, 8, 55).expect("date");
            let r: DateTime = call(&client, "echo", &[Value::DateTime(dt)])
                .await
                .map_err(err)?;
            want_eq("dateTime echo", r, dt)?;
            Ok("19980717T14:08:55".to_owned())
        })
        .await,
    );

    report.record(
        "B21",
        run(async {
            let v = strct(&[("lowerBound", Value::Int(18)), ("upperBound", Value::Nil)]);
            let r: Value = call(&client, "echo", std::slice::from_ref(&v))
                .await
                .map_err(err)?;
            want_eq("struct with nil", r, v)?;
            Ok("<nil/></value></member> parsed".to_owned())
        })
        .await,
    );

    report.record("B22", run(async {
        let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodCall>\n  <methodName>add</methodName>\n  <params>\n    <param>\n      <value><i4>20</i4></value>\n    </param>\n    <param>\n      <value><int>22</int></value>\n    </param>\n  </params>\n</methodCall>\n";
        let r: i32 = tokio::time::timeout(TIMEOUT, client.call_xml(body.to_vec())).await.map_err(|e| e.to_string())?.map_err(err)?;
        want_eq("pretty-printed add", r, 42)?;
        Ok("pretty-printed request with an encoding declaration".to_owned())
    }).await);

    report.record(
        "B23",
        run(async {
            let body =
                b"<?xml version=\"1.0\"?><methodCall><methodName>noargs</methodName></methodCall>";
            let r: String = tokio::time::timeout(TIMEOUT, client.call_xml(body.to_vec()))
                .await
                .map_err(|e| e.to_string())?
                .map_err(err)?;
            want_eq("noargs without <params>", r.as_str(), "noargs")?;
            Ok("call without <params>".to_owned())
        })
        .await,
    );

    report.record(
        "B24",
        run(async {
            // every answer above came with Python's `Content-type` / `Content-length` spelling
            let r: i32 = call(&client, "add", &[Value::Int(1), Value::Int(1)])
                .await
                .map_err(err)?;
            want_eq("add", r, 2)?;
            Ok(
                "headers read case-insensitively (Python sends Content-type, Content-length)"
                    .to_owned(),
            )
        })
        .await,
    );

    report.record(
        "generated_client",
        run(async {
            let py = PyEchoClient::new(&url).map_err(err)?;
            let r = py.add(2, 40).await.map_err(err)?;
            want_eq("add", r, 42)?;
            let v = Value::Array(vec![
                Value::Int(1),
                s("two"),
                Value::Nil,
                strct(&[("k", Value::Bool(true))]),
            ]);
            let r = py.echo(v.clone()).await.map_err(err)?;
            want_eq("echo", r, v)?;
            Ok("generated client: add and echo".to_owned())
        })
        .await,
    );

    report.record(
        "generated_blocking_client",
        run(async {
            let url = url.clone();
            tokio::task::spawn_blocking(move || -> Outcome {
                let py = PyEchoBlockingClient::new(&url).map_err(err)?;
                want_eq("add", py.add(20, 22).map_err(err)?, 42)?;
                want_eq("echo", py.echo(s("blocking")).map_err(err)?, s("blocking"))?;
                Ok("generated blocking client from a plain thread".to_owned())
            })
            .await
            .map_err(|e| e.to_string())?
        })
        .await,
    );

    report.record("D2", validator1(&url).await);

    report.assert_cases(
        "rust-client-vs-python",
        &[
            "B1",
            "B2",
            "B3",
            "B4",
            "B5",
            "B6",
            "B7",
            "B8",
            "B9",
            "B10",
            "B11",
            "B12",
            "B14",
            "B15",
            "B16",
            "B17",
            "B18",
            "B19",
            "B20",
            "B21",
            "B22",
            "B23",
            "B24",
            "generated_client",
            "generated_blocking_client",
            "D2",
        ],
        &[],
    );
    drop(server);
}

async fn validator1(url: &str) -> Outcome {
    let v = Validator1Client::new(url).map_err(err)?;
    let stooges = |moe, larry, curly| {
        strct(&[
            ("moe", Value::Int(moe)),
            ("larry", Value::Int(larry)),
            ("curly", Value::Int(curly)),
        ])
    };
    want_eq(
        "arrayOfStructsTest",
        v.array_of_structs_test(vec![stooges(1, 2, 3), stooges(-98, 23, -6)])
            .await
            .map_err(err)?,
        -3,
    )?;
    let counts = v
        .count_the_entities("<<<>>&''\"\"\"".to_owned())
        .await
        .map_err(err)?;
    want_eq(
        "countTheEntities",
        counts,
        strct(&[
            ("ctLeftAngleBrackets", Value::Int(3)),
            ("ctRightAngleBrackets", Value::Int(2)),
            ("ctAmpersands", Value::Int(1)),
            ("ctApostrophes", Value::Int(2)),
            ("ctQuotes", Value::Int(3)),
        ]),
    )?;
    want_eq(
        "easyStructTest",
        v.easy_struct_test(stooges(13, 7, 11)).await.map_err(err)?,
        31,
    )?;
    let nested = strct(&[
        ("substruct0", stooges(1, 2, 3)),
        ("substruct1", stooges(4, 5, 6)),
    ]);
    want_eq(
        "echoStructTest",
        v.echo_struct_test(nested.clone()).await.map_err(err)?,
        nested,
    )?;
    let dt = DateTime::new(1998, 7, 17, 14, 8, 55).expect("date");
    let bin = Binary::new(b"you can't read this!".to_vec());
    let r = v
        .many_types_test(5, true, "str".to_owned(), 1.5, dt, bin.clone())
        .await
        .map_err(err)?;
    want_eq(
        "manyTypesTest",
        r,
        (5, true, "str".to_owned(), 1.5, dt, bin),
    )?;
    for n in [100, 150, 200] {
        let mut strings = vec!["first".to_owned()];
        strings.extend((0..n - 2).map(|i| format!("x{i}")));
        strings.push("last".to_owned());
        want_eq(
            "moderateSizeArrayCheck",
            v.moderate_size_array_check(strings)
                .await
                .map_err(err)?
                .as_str(),
            "firstlast",
        )?;
    }
    let empty = || strct(&[]);
    let calendar = strct(&[
        ("1999", strct(&[("12", strct(&[("31", empty())]))])),
        (
            "2000",
            strct(&[
                ("01", strct(&[("01", empty())])),
                ("04", strct(&[("01", stooges(12, 34, 56)), ("02", empty())])),
            ]),
        ),
        ("2001", empty()),
    ]);
    want_eq(
        "nestedStructTest",
        v.nested_struct_test(calendar).await.map_err(err)?,
        102,
    )?;
    want_eq(
        "simpleStructReturnTest",
        v.simple_struct_return_test(7).await.map_err(err)?,
        strct(&[
            ("times10", Value::Int(70)),
            ("times100", Value::Int(700)),
            ("times1000", Value::Int(7000)),
        ]),
    )?;
    Ok("the eight methods with the validator1 vectors, through a generated client".to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_client_against_python_server_variants() {
    let mut report = CaseReport::default();

    let plain = Server::python("py_server.py", &["--no-allow-none"]);
    let client = Client::new(plain.url()).expect("client");
    report.record(
        "B8_no_allow_none",
        run(async {
            want_fault(
                "echo(None)",
                call::<Value>(&client, "echo", &[Value::Nil]).await,
                1,
                "<class 'TypeError'>:cannot marshal None unless allow_none is enabled",
            )?;
            Ok("<nil/> accepted in the request, the reply could not be marshalled".to_owned())
        })
        .await,
    );
    drop(plain);

    let no_multicall = Server::python("py_server.py", &["--no-multicall"]);
    let client = Client::new(no_multicall.url()).expect("client");
    report.record(
        "B13",
        run(async {
            want_fault(
                "system.multicall",
                call::<Value>(&client, "system.multicall", &[Value::Array(vec![])]).await,
                1,
                "<class 'Exception'>:method \"system.multicall\" is not supported",
            )?;
            Ok("Fault 1 without register_multicall_functions".to_owned())
        })
        .await,
    );
    drop(no_multicall);

    let pyblish = Server::python("py_server.py", &["--path", "/pyblish"]);
    report.record(
        "B25",
        run(async {
            let client = Client::new(pyblish.url()).map_err(err)?;
            let r: i32 = call(&client, "add", &[Value::Int(1), Value::Int(2)])
                .await
                .map_err(err)?;
            want_eq("add at /pyblish", r, 3)?;
            let rpc2 = Client::new(&pyblish.url_with_path("/RPC2")).map_err(err)?;
            match call::<i32>(&rpc2, "add", &[Value::Int(1), Value::Int(2)]).await {
                Err(e) if e.status() == Some(404) => Ok("/pyblish served, /RPC2 is 404".to_owned()),
                other => Err(format!("/RPC2 on a /pyblish server: {other:?}")),
            }
        })
        .await,
    );
    drop(pyblish);

    report.assert_cases(
        "rust-client-vs-python-variants",
        &["B8_no_allow_none", "B13", "B25"],
        &[],
    );
}
