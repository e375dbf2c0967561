//! The captured bodies of the wire research (Python 3.11 as client and server), byte for
//! byte, and what they decode to.

use rpc_runtime::{Binary, Config, DateTime, Fault, Struct, Value, parse_call, parse_response};
use serde::Deserialize;

const ADD_CALL: &str = "<?xml version='1.0'?>
<methodCall>
<methodName>add</methodName>
<params>
<param>
<value><int>5</int></value>
</param>
<param>
<value><int>10</int></value>
</param>
</params>
</methodCall>
";

const ADD_RESPONSE: &str = "<?xml version='1.0'?>
<methodResponse>
<params>
<param>
<value><int>15</int></value>
</param>
</params>
</methodResponse>
";

const ECHO_ALL: &str = "<?xml version='1.0'?>
<methodCall>
<methodName>echo</methodName>
<params>
<param>
<value><int>42</int></value>
</param>
<param>
<value><boolean>1</boolean></value>
</param>
<param>
<value><string>a&lt;b &amp; c&gt;d</string></value>
</param>
<param>
<value><double>3.5</double></value>
</param>
<param>
<value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value>
</param>
<param>
<value><base64>
eW91IGNhbid0IHJlYWQgdGhpcyE=
</base64></value>
</param>
<param>
<value><struct>
<member>
<name>lowerBound</name>
<value><int>18</int></value>
</member>
<member>
<name>upperBound</name>
<value><nil/></value></member>
</struct></value>
</param>
<param>
<value><array><data>
<value><int>12</int></value>
<value><string>Egypt</string></value>
<value><boolean>0</boolean></value>
<value><int>-31</int></value>
</data></array></value>
</param>
<param>
<value><string>\u{e9}\u{2713}</string></value>
</param>
</params>
</methodCall>
";

const MULTICALL: &str = "<?xml version='1.0'?>
<methodCall>
<methodName>system.multicall</methodName>
<params>
<param>
<value><array><data>
<value><struct>
<member>
<name>methodName</name>
<value><string>add</string></value>
</member>
<member>
<name>params</name>
<value><array><data>
<value><int>2</int></value>
<value><int>3</int></value>
</data></array></value>
</member>
</struct></value>
<value><struct>
<member>
<name>methodName</name>
<value><string>div</string></value>
</member>
<member>
<name>params</name>
<value><array><data>
<value><int>1</int></value>
<value><int>0</int></value>
</data></array></value>
</member>
</struct></value>
<value><struct>
<member>
<name>methodName</name>
<value><string>fault</string></value>
</member>
<member>
<name>params</name>
<value><array><data>
</data></array></value>
</member>
</struct></value>
</data></array></value>
</param>
</params>
</methodCall>
";

const MULTICALL_RESPONSE: &str = "<?xml version='1.0'?>
<methodResponse>
<params>
<param>
<value><array><data>
<value><array><data>
<value><int>5</int></value>
</data></array></value>
<value><struct>
<member>
<name>faultCode</name>
<value><int>1</int></value>
</member>
<member>
<name>faultString</name>
<value><string>&lt;class 'ZeroDivisionError'&gt;:division by zero</string></value>
</member>
</struct></value>
<value><struct>
<member>
<name>faultCode</name>
<value><int>42</int></value>
</member>
<member>
<name>faultString</name>
<value><string>custom fault &lt;&amp;&gt;</string></value>
</member>
</struct></value>
</data></array></value>
</param>
</params>
</methodResponse>
";

const FAULT: &str = "<?xml version='1.0'?>
<methodResponse>
<fault>
<value><struct>
<member>
<name>faultCode</name>
<value><int>1</int></value>
</member>
<member>
<name>faultString</name>
<value><string>&lt;class 'ZeroDivisionError'&gt;:division by zero</string></value>
</member>
</struct></value>
</fault>
</methodResponse>
";

const NIL_CALL: &str = "<?xml version='1.0'?>
<methodCall>
<methodName>echo</methodName>
<params>
<param>
<value><nil/></value></param>
</params>
</methodCall>
";

const NIL_RESPONSE: &str = "<?xml version='1.0'?>
<methodResponse>
<params>
<param>
<value><nil/></value></param>
</params>
</methodResponse>
";

const NOARGS: &str = "<?xml version='1.0'?>
<methodCall>
<methodName>noargs</methodName>
<params>
</params>
</methodCall>
";

const BASE64_60: &str = "<value><base64>
eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4
eHh4
</base64></value>";

fn st(members: &[(&str, Value)]) -> Value {
    let mut s = Struct::new();
    for (k, v) in members {
        assert!(s.insert(*k, v.clone()).is_none());
    }
    Value::Struct(s)
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

#[test]
fn body_sizes_match_the_capture() {
    assert_eq!(ADD_CALL.len(), 188);
    assert_eq!(ADD_RESPONSE.len(), 122);
    assert_eq!(ECHO_ALL.len(), 923);
    assert_eq!(MULTICALL.len(), 877);
    assert_eq!(MULTICALL_RESPONSE.len(), 650);
    assert_eq!(FAULT.len(), 305);
    assert_eq!(NIL_CALL.len(), 136);
    assert_eq!(NIL_RESPONSE.len(), 114);
    assert_eq!(NOARGS.len(), 100);
}

#[test]
fn add_call_typed_and_as_values() {
    let config = Config::default();
    let mut call = parse_call(ADD_CALL.as_bytes(), &config).unwrap();
    assert_eq!(call.name, "add");
    let a: i32 = call.params.next().unwrap();
    let b: i64 = call.params.next().unwrap();
    assert_eq!((a, b), (5, 10));
    call.params.finish().unwrap();

    let call = parse_call(ADD_CALL.as_bytes(), &config).unwrap();
    assert_eq!(
        call.params.into_values().unwrap(),
        vec![Value::Int(5), Value::Int(10)]
    );
}

#[test]
fn add_response() {
    let r: Result<i32, Fault> =
        parse_response(ADD_RESPONSE.as_bytes(), &Config::default()).unwrap();
    assert_eq!(r, Ok(15));
    let r: Result<Value, Fault> =
        parse_response(ADD_RESPONSE.as_bytes(), &Config::default()).unwrap();
    assert_eq!(r, Ok(Value::Int(15)));
}

#[test]
fn echo_every_type_as_values() {
    let call = parse_call(ECHO_ALL.as_bytes(), &Config::default()).unwrap();
    assert_eq!(call.name, "echo");
    let values = call.params.into_values().unwrap();
    let expected = vec![
        Value::Int(42),
        Value::Bool(true),
        s("a<b & c>d"),
        Value::Double(3.5),
        Value::DateTime(DateTime::new(1998, 7, 17, 14, 8, 55).unwrap()),
        Value::Binary(b"you can't read this!".to_vec()),
        st(&[("lowerBound", Value::Int(18)), ("upperBound", Value::Nil)]),
        Value::Array(vec![
            Value::Int(12),
            s("Egypt"),
            Value::Bool(false),
            Value::Int(-31),
        ]),
        s("é✓"),
    ];
    assert_eq!(values, expected);
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Bounds {
    lower_bound: i32,
    upper_bound: Option<i32>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
enum Item {
    Int(i32),
    Text(String),
    Flag(bool),
}

#[test]
fn echo_every_type_typed() {
    let mut call = parse_call(ECHO_ALL.as_bytes(), &Config::default()).unwrap();
    let p = &mut call.params;
    assert_eq!(p.next::<u8>().unwrap(), 42);
    assert!(p.next::<bool>().unwrap());
    assert_eq!(p.next::<String>().unwrap(), "a<b & c>d");
    assert_eq!(p.next::<f32>().unwrap(), 3.5);
    assert_eq!(
        p.next::<DateTime>().unwrap(),
        DateTime::new(1998, 7, 17, 14, 8, 55).unwrap()
    );
    assert_eq!(p.next::<Binary>().unwrap().0, b"you can't read this!");
    assert_eq!(
        p.next::<Bounds>().unwrap(),
        Bounds {
            lower_bound: 18,
            upper_bound: None
        }
    );
    assert_eq!(
        p.next::<Vec<Item>>().unwrap(),
        vec![
            Item::Int(12),
            Item::Text("Egypt".into()),
            Item::Flag(false),
            Item::Int(-31)
        ]
    );
    assert_eq!(
        p.next::<char>().map_err(|e| e.kind()),
        Err(rpc_runtime::ErrorKind::Type)
    );
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct SubCall {
    method_name: String,
    params: Vec<Value>,
}

#[test]
fn multicall_request() {
    let mut call = parse_call(MULTICALL.as_bytes(), &Config::default()).unwrap();
    assert_eq!(call.name, "system.multicall");
    let calls: Vec<SubCall> = call.params.next().unwrap();
    call.params.finish().unwrap();
    assert_eq!(
        calls,
        vec![
            SubCall {
                method_name: "add".into(),
                params: vec![Value::Int(2), Value::Int(3)]
            },
            SubCall {
                method_name: "div".into(),
                params: vec![Value::Int(1), Value::Int(0)]
            },
            SubCall {
                method_name: "fault".into(),
                params: vec![]
            },
        ]
    );
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
enum Entry {
    Ok((i32,)),
    Fault(Fault),
}

#[test]
fn multicall_response() {
    let r: Result<Vec<Entry>, Fault> =
        parse_response(MULTICALL_RESPONSE.as_bytes(), &Config::default()).unwrap();
    assert_eq!(
        r.unwrap(),
        vec![
            Entry::Ok((5,)),
            Entry::Fault(Fault::new(
                1,
                "<class 'ZeroDivisionError'>:division by zero"
            )),
            Entry::Fault(Fault::new(42, "custom fault <&>")),
        ]
    );
    let r: Result<Value, Fault> =
        parse_response(MULTICALL_RESPONSE.as_bytes(), &Config::default()).unwrap();
    let v = r.unwrap();
    assert_eq!(v.as_array().unwrap()[0], Value::Array(vec![Value::Int(5)]));
    assert_eq!(
        v.as_array().unwrap()[2].get("faultString"),
        Some(&s("custom fault <&>"))
    );
}

#[test]
fn fault_response() {
    let r: Result<i32, Fault> = parse_response(FAULT.as_bytes(), &Config::default()).unwrap();
    assert_eq!(
        r,
        Err(Fault::new(
            1,
            "<class 'ZeroDivisionError'>:division by zero"
        ))
    );
}

#[test]
fn nil_call_and_response() {
    let mut call = parse_call(NIL_CALL.as_bytes(), &Config::default()).unwrap();
    assert_eq!(call.params.next::<Option<String>>().unwrap(), None);
    call.params.finish().unwrap();
    let call = parse_call(NIL_CALL.as_bytes(), &Config::default()).unwrap();
    assert_eq!(call.params.into_values().unwrap(), vec![Value::Nil]);

    let r: Result<(), Fault> = parse_response(NIL_RESPONSE.as_bytes(), &Config::default()).unwrap();
    assert_eq!(r, Ok(()));
    let r: Result<Option<i32>, Fault> =
        parse_response(NIL_RESPONSE.as_bytes(), &Config::default()).unwrap();
    assert_eq!(r, Ok(None));
    let r: Result<Value, Fault> =
        parse_response(NIL_RESPONSE.as_bytes(), &Config::default()).unwrap();
    assert_eq!(r, Ok(Value::Nil));
}

#[test]
fn call_without_arguments() {
    let mut call = parse_call(NOARGS.as_bytes(), &Config::default()).unwrap();
    assert_eq!(call.name, "noargs");
    assert_eq!(call.params.next_opt::<i32>().unwrap(), None);
    call.params.finish().unwrap();
    let call = parse_call(NOARGS.as_bytes(), &Config::default()).unwrap();
    assert!(call.params.into_values().unwrap().is_empty());
    // `<params>` may also be absent or empty.
    for xml in [
        "<methodCall><methodName>noargs</methodName></methodCall>",
        "<methodCall><methodName>noargs</methodName><params/></methodCall>",
    ] {
        let call = parse_call(xml.as_bytes(), &Config::default()).unwrap();
        assert_eq!(call.name, "noargs");
        call.params.finish().unwrap();
    }
}

#[test]
fn wrapped_base64() {
    let v: Binary = rpc_runtime::from_slice(BASE64_60.as_bytes()).unwrap();
    assert_eq!(v.0, vec![b'x'; 60]);
    let v: Value = rpc_runtime::from_slice(b"<value><base64>\n</base64></value>").unwrap();
    assert_eq!(v, Value::Binary(vec![]));
}
