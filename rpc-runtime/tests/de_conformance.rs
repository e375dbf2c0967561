//! Decoder leniency and strictness: the wire research's tables C4 to C9, and the typed
//! mapping between XML-RPC and serde.

use std::collections::{BTreeMap, HashMap};

use rpc_runtime::de::from_slice_with_config;
use rpc_runtime::{
    Binary, Config, DateTime, ErrorKind, Fault, Struct, Value, from_slice, from_value, parse_call,
    parse_response,
};
use serde::Deserialize;

fn val(inner: &str) -> rpc_runtime::Result<Value> {
    from_slice(format!("<value>{inner}</value>").as_bytes())
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

#[test]
fn c4_leniency_matches_python() {
    let cases: Vec<(&str, Value)> = vec![
        ("<int> 5 </int>", Value::Int(5)),
        ("<int>+5</int>", Value::Int(5)),
        ("<int>007</int>", Value::Int(7)),
        ("<i4>-31</i4>", Value::Int(-31)),
        (
            "<i8>9007199254740993</i8>",
            Value::Long(9_007_199_254_740_993),
        ),
        ("<i8>5</i8>", Value::Long(5)),
        ("<ex:i8>5</ex:i8>", Value::Long(5)),
        ("<i1>5</i1>", Value::Int(5)),
        ("<i2>-300</i2>", Value::Int(-300)),
        (
            "<biginteger>123456789012</biginteger>",
            Value::Long(123_456_789_012),
        ),
        ("<ex:nil/>", Value::Nil),
        ("<nil></nil>", Value::Nil),
        ("<nil/>", Value::Nil),
        ("<string/>", s("")),
        ("<string></string>", s("")),
        ("  padded  ", s("  padded  ")),
        ("<string>  padded  </string>", s("  padded  ")),
        ("South Dakota", s("South Dakota")),
        ("\n   <int>5</int>\n", Value::Int(5)),
        ("<array></array>", Value::Array(vec![])),
        ("<array/>", Value::Array(vec![])),
        ("<array><data/></array>", Value::Array(vec![])),
        ("<array><data>\n</data></array>", Value::Array(vec![])),
        ("<struct></struct>", Value::Struct(Struct::new())),
        ("<struct/>", Value::Struct(Struct::new())),
        (
            "<base64>eW91IGNhbid0\r\nIHJlYWQgdGhpcyE=\r\n</base64>",
            Value::Binary(b"you can't read this!".to_vec()),
        ),
        ("<base64></base64>", Value::Binary(vec![])),
        ("<base64/>", Value::Binary(vec![])),
        ("<string><![CDATA[a<b&c]]></string>", s("a<b&c")),
        ("<![CDATA[x]]>y", s("xy")),
        ("<string>&#x42;</string>", s("B")),
        (
            "<string>&lt;&amp;&gt;&quot;&apos;&#65;&#x42;</string>",
            s("<&>\"'AB"),
        ),
        ("<string>a\r\nb\rc</string>", s("a\nb\nc")),
        ("<string>a&#13;b</string>", s("a\rb")),
        ("<double>1e+16</double>", Value::Double(1e16)),
        ("<double>1e-07</double>", Value::Double(1e-7)),
        ("<double> -12.214 </double>", Value::Double(-12.214)),
        ("<double>.5</double>", Value::Double(0.5)),
        ("<double>5e-324</double>", Value::Double(5e-324)),
        ("<float>1.5</float>", Value::Double(1.5)),
        ("<ex:float>1.5</ex:float>", Value::Double(1.5)),
        ("<boolean>1</boolean>", Value::Bool(true)),
        ("<boolean>0</boolean>", Value::Bool(false)),
        ("<boolean> 1 </boolean>", Value::Bool(true)),
        (
            "<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>",
            Value::DateTime(DateTime::new(1998, 7, 17, 14, 8, 55).unwrap()),
        ),
        ("<string>é 中 😀</string>", s("é 中 😀")),
        ("a<!-- comment -->b", s("ab")),
    ];
    for (xml, expected) in cases {
        let got = val(xml).unwrap_or_else(|e| panic!("{xml}: {e}"));
        assert_eq!(got, expected, "{xml}");
    }
    // <value/> is the empty string.
    assert_eq!(from_slice::<Value>(b"<value/>").unwrap(), s(""));
    // -0.0 keeps its sign.
    let neg = val("<double>-0.0</double>").unwrap().as_f64().unwrap();
    assert!(neg == 0.0 && neg.is_sign_negative());
}

#[test]
fn c5_strictness_matches_python() {
    let cases: Vec<(&str, ErrorKind)> = vec![
        ("<boolean>true</boolean>", ErrorKind::Type),
        ("<boolean>2</boolean>", ErrorKind::Type),
        ("<boolean></boolean>", ErrorKind::Type),
        ("<int></int>", ErrorKind::Type),
        ("<int>1.0</int>", ErrorKind::Type),
        ("<int>1_000</int>", ErrorKind::Type),
        ("<int>1e3</int>", ErrorKind::Type),
        ("<int>99999999999999999999</int>", ErrorKind::Type),
        ("<double>abc</double>", ErrorKind::Type),
        ("<double></double>", ErrorKind::Type),
        ("<base64>eW9</base64>", ErrorKind::Type),
        ("<base64>e*W9</base64>", ErrorKind::Type),
        (
            "<dateTime.iso8601>yesterday</dateTime.iso8601>",
            ErrorKind::Type,
        ),
        ("<foo>1</foo>", ErrorKind::Invalid),
        (
            "<ex:dateTime>2020-01-01T00:00:00</ex:dateTime>",
            ErrorKind::Invalid,
        ),
        (
            "<ex:serializable>AAAA</ex:serializable>",
            ErrorKind::Invalid,
        ),
        ("<ex:dom><a/></ex:dom>", ErrorKind::Invalid),
        ("<bigdecimal>1.10</bigdecimal>", ErrorKind::Invalid),
        ("<string>&#1;</string>", ErrorKind::Syntax),
        ("<string>a\u{1}b</string>", ErrorKind::Syntax),
        ("<string>a</int>", ErrorKind::Syntax),
        ("<int>5</int><int>6</int>", ErrorKind::Invalid),
        ("x<int>5</int>", ErrorKind::Invalid),
        ("<int>5</int>x", ErrorKind::Invalid),
        ("<int><string>5</string></int>", ErrorKind::Invalid),
        ("<nil>x</nil>", ErrorKind::Invalid),
        ("<array><value/></array>", ErrorKind::Invalid),
        ("<array><data>x</data></array>", ErrorKind::Invalid),
        ("<struct><value/></struct>", ErrorKind::Invalid),
        (
            "<array><data></data><data></data></array>",
            ErrorKind::Invalid,
        ),
    ];
    for (xml, kind) in cases {
        let e = val(xml).expect_err(xml);
        assert_eq!(e.kind(), kind, "{xml}: {e}");
        assert!(e.offset().is_some(), "{xml}: no offset in {e}");
    }
    // A truncated document and a response without params or fault.
    let e = from_slice::<Value>(b"<value><int>5</int>").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
    let e = parse_response::<Value>(b"<methodResponse></methodResponse>", &Config::default())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
}

#[test]
fn c6_response_param_count_policy() {
    let config = Config::default();
    for xml in [
        "<methodResponse><params></params></methodResponse>",
        "<methodResponse><params/></methodResponse>",
        "<methodResponse><params><param><value><int>1</int></value></param><param><value><int>2</int></value></param></params></methodResponse>",
    ] {
        let e = parse_response::<Value>(xml.as_bytes(), &config).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{xml}: {e}");
    }
}

fn fault_doc(members: &str) -> String {
    format!(
        "<methodResponse><fault><value><struct>{members}</struct></value></fault></methodResponse>"
    )
}

#[test]
fn c7_fault_members() {
    let config = Config::default();
    let code = "<member><name>faultCode</name><value><int>4</int></value></member>";
    let string = "<member><name>faultString</name><value><string>Too many parameters.</string></value></member>";
    let extra = "<member><name>faultCause</name><value><base64>AAEC</base64></value></member>";
    // Any order, extra members ignored.
    for members in [
        format!("{code}{string}"),
        format!("{string}{code}"),
        format!("{extra}{string}{code}"),
        format!("{code}{extra}{string}"),
    ] {
        let r = parse_response::<i32>(fault_doc(&members).as_bytes(), &config).unwrap();
        assert_eq!(r, Err(Fault::new(4, "Too many parameters.")));
    }
    // A string faultCode is a type error; a missing member is an error.
    let bad_code = "<member><name>faultCode</name><value><string>Server</string></value></member>";
    let e = parse_response::<i32>(
        fault_doc(&format!("{bad_code}{string}")).as_bytes(),
        &config,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!((e.expected(), e.found()), (Some("int"), Some("string")));
    for members in [string.to_owned(), code.to_owned(), String::new()] {
        let e = parse_response::<i32>(fault_doc(&members).as_bytes(), &config).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Type, "{members}: {e}");
    }
    // A fault that is not a struct.
    let e = parse_response::<i32>(
        b"<methodResponse><fault><value><string>x</string></value></fault></methodResponse>",
        &config,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    // Duplicate fault members are rejected like any duplicate member.
    let e = parse_response::<i32>(
        fault_doc(&format!("{code}{code}{string}")).as_bytes(),
        &config,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
}

#[test]
fn c8_duplicate_member_is_rejected() {
    // Python keeps the last value; we reject the message so that no two peers can read
    // it differently.
    let e = val("<struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct>")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
}

#[test]
fn c9_datetime_forms() {
    let expected = DateTime::new(1998, 7, 17, 14, 8, 55).unwrap();
    for text in [
        "19980717T14:08:55",
        "1998-07-17T14:08:55",
        "19980717T14:08:55Z",
        "19980717T14:08:55+02:00",
        "19980717T14:08:55.123",
        " 19980717T14:08:55 ",
    ] {
        let xml = format!("<value><dateTime.iso8601>{text}</dateTime.iso8601></value>");
        assert_eq!(
            from_slice::<DateTime>(xml.as_bytes()).unwrap(),
            expected,
            "{text}"
        );
        assert_eq!(
            from_slice::<Value>(xml.as_bytes()).unwrap(),
            Value::DateTime(expected),
            "{text}"
        );
    }
}

#[test]
fn non_finite_doubles_follow_the_config() {
    for text in ["inf", "-inf", "nan", "NaN", "1e309"] {
        let xml = format!("<value><double>{text}</double></value>");
        let e = from_slice::<f64>(xml.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Type, "{text}");
        let allow = Config::default().allow_non_finite(true);
        let v: f64 = from_slice_with_config(xml.as_bytes(), &allow).unwrap();
        assert!(!v.is_finite(), "{text}");
    }
}

#[test]
fn integer_ranges() {
    assert_eq!(
        from_slice::<i32>(b"<value><i4>2147483647</i4></value>").unwrap(),
        i32::MAX
    );
    let e = from_slice::<i32>(b"<value><i4>2147483648</i4></value>").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    let e = from_slice::<i32>(b"<value><i4>-2147483649</i4></value>").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!(
        from_slice::<i64>(b"<value><int>5</int></value>").unwrap(),
        5
    );
    assert_eq!(
        from_slice::<i64>(b"<value><i8>-9223372036854775808</i8></value>").unwrap(),
        i64::MIN
    );
    assert_eq!(
        from_slice::<u64>(b"<value><biginteger>18446744073709551615</biginteger></value>").unwrap(),
        u64::MAX
    );
    let e = from_slice::<u8>(b"<value><int>256</int></value>").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert!(e.to_string().contains("u8"), "{e}");
    let e = from_slice::<u32>(b"<value><int>-1</int></value>").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    // An <int> beyond 32 bits reads as Long into a Value, as no bits are lost.
    assert_eq!(
        val("<int>2147483648</int>").unwrap(),
        Value::Long(2_147_483_648)
    );
    // Integers are not doubles and doubles are not integers.
    assert_eq!(
        from_slice::<f64>(b"<value><int>1</int></value>")
            .unwrap_err()
            .kind(),
        ErrorKind::Type
    );
    assert_eq!(
        from_slice::<i32>(b"<value><double>1</double></value>")
            .unwrap_err()
            .kind(),
        ErrorKind::Type
    );
}

#[derive(Debug, Deserialize, PartialEq)]
enum Shape {
    Empty,
    Circle(f64),
    Point(i32, i32),
    Rect { w: i32, h: i32 },
}

#[derive(Debug, Deserialize, PartialEq)]
struct Unit;

#[derive(Debug, Deserialize, PartialEq)]
struct Meters(f64);

#[derive(Debug, Deserialize, PartialEq)]
struct Pair(i32, String);

#[derive(Debug, Deserialize, PartialEq)]
struct Record {
    #[serde(rename = "Name")]
    name: String,
    #[serde(default)]
    missing: Option<i32>,
    nothing: Option<String>,
    unit: (),
    tuple: (i32, bool),
    #[serde(with = "serde_bytes")]
    bytes: Vec<u8>,
    map: BTreeMap<String, i32>,
    by_number: HashMap<u32, String>,
    shape: Vec<Shape>,
    letter: char,
    meters: Meters,
    pair: Pair,
    unit_struct: Unit,
    #[serde(flatten)]
    rest: HashMap<String, Value>,
}

#[test]
fn serde_mapping() {
    let xml = "<value><struct>
<member><name>Name</name><value>plain</value></member>
<member><name>nothing</name><value><nil/></value></member>
<member><name>unit</name><value><nil/></value></member>
<member><name>tuple</name><value><array><data><value><i4>1</i4></value><value><boolean>1</boolean></value></data></array></value></member>
<member><name>bytes</name><value><base64>AAH/</base64></value></member>
<member><name>map</name><value><struct><member><name>b</name><value><int>2</int></value></member><member><name>a</name><value><int>1</int></value></member></struct></value></member>
<member><name>by_number</name><value><struct><member><name>7</name><value>seven</value></member></struct></value></member>
<member><name>shape</name><value><array><data>
<value><string>Empty</string></value>
<value>Empty</value>
<value><struct><member><name>Circle</name><value><double>1.5</double></value></member></struct></value>
<value><struct><member><name>Point</name><value><array><data><value><int>1</int></value><value><int>2</int></value></data></array></value></member></struct></value>
<value><struct><member><name>Rect</name><value><struct><member><name>w</name><value><int>3</int></value></member><member><name>h</name><value><int>4</int></value></member></struct></value></member></struct></value>
<value><struct><member><name>Empty</name><value><nil/></value></member></struct></value>
</data></array></value></member>
<member><name>letter</name><value><string>é</string></value></member>
<member><name>meters</name><value><double>2.5</double></value></member>
<member><name>pair</name><value><array><data><value><int>9</int></value><value>nine</value></data></array></value></member>
<member><name>unit_struct</name><value><nil/></value></member>
<member><name>extra</name><value><i8>12</i8></value></member>
</struct></value>";
    let r: Record = from_slice(xml.as_bytes()).unwrap();
    assert_eq!(r.name, "plain");
    assert_eq!(r.missing, None);
    assert_eq!(r.nothing, None);
    assert_eq!(r.tuple, (1, true));
    assert_eq!(r.bytes, vec![0, 1, 255]);
    assert_eq!(
        r.map.into_iter().collect::<Vec<_>>(),
        vec![("a".into(), 1), ("b".into(), 2)]
    );
    assert_eq!(r.by_number.get(&7).map(String::as_str), Some("seven"));
    assert_eq!(
        r.shape,
        vec![
            Shape::Empty,
            Shape::Empty,
            Shape::Circle(1.5),
            Shape::Point(1, 2),
            Shape::Rect { w: 3, h: 4 },
            Shape::Empty
        ]
    );
    assert_eq!(r.letter, 'é');
    assert_eq!(r.meters, Meters(2.5));
    assert_eq!(r.pair, Pair(9, "nine".into()));
    assert_eq!(r.unit_struct, Unit);
    assert_eq!(r.rest.get("extra"), Some(&Value::Long(12)));

    // The same through a Value.
    let v: Value = from_slice(xml.as_bytes()).unwrap();
    let r2: Record = from_value(v).unwrap();
    assert_eq!(r2.shape.len(), 6);
    assert_eq!(r2.bytes, vec![0, 1, 255]);
    assert_eq!(r2.rest.get("extra"), Some(&Value::Long(12)));
}

#[test]
fn enum_and_tuple_errors() {
    // A variant with data needs its struct form; a two-member struct is no variant.
    let e = from_slice::<Shape>(b"<value>Circle</value>").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    let e = from_slice::<Shape>(
        b"<value><struct><member><name>Empty</name><value><nil/></value></member><member><name>Circle</name><value><double>1</double></value></member></struct></value>",
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    let e = from_slice::<Shape>(b"<value>Hexagon</value>").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    // A tuple takes exactly its length.
    let e = from_slice::<(i32, i32)>(
        b"<value><array><data><value><int>1</int></value><value><int>2</int></value><value><int>3</int></value></data></array></value>",
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    let e = from_slice::<(i32, i32)>(
        b"<value><array><data><value><int>1</int></value></data></array></value>",
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    // char takes one character.
    assert_eq!(
        from_slice::<char>(b"<value>ab</value>").unwrap_err().kind(),
        ErrorKind::Type
    );
}

#[test]
fn type_mismatches_name_both_types() {
    let cases: &[(&[u8], &str, &str)] = &[
        (b"<value><string>x</string></value>", "int", "string"),
        (b"<value>x</value>", "int", "string"),
        (b"<value><boolean>1</boolean></value>", "int", "boolean"),
        (b"<value><i8>1</i8></value>", "string", "i8"),
        (b"<value><array/></value>", "struct", "array"),
    ];
    for (i, (xml, expected, found)) in cases.iter().enumerate() {
        let e = match i {
            0..=2 => from_slice::<i32>(xml).unwrap_err(),
            3 => from_slice::<String>(xml).unwrap_err(),
            _ => from_slice::<HashMap<String, i32>>(xml).unwrap_err(),
        };
        assert_eq!(e.kind(), ErrorKind::Type, "{e}");
        assert_eq!(
            (e.expected(), e.found()),
            (Some(*expected), Some(*found)),
            "{e}"
        );
        assert!(e.offset().is_some());
    }
    let e = from_slice::<Binary>(b"<value>text</value>").unwrap_err();
    assert_eq!((e.expected(), e.found()), (Some("base64"), Some("string")));
    let e = from_slice::<DateTime>(b"<value>19980717T14:08:55</value>").unwrap_err();
    assert_eq!(
        (e.expected(), e.found()),
        (Some("dateTime.iso8601"), Some("string"))
    );
    let e = from_slice::<()>(b"<value><int>1</int></value>").unwrap_err();
    assert_eq!((e.expected(), e.found()), (Some("nil"), Some("int")));
}

#[test]
fn from_value_rules_and_paths() {
    let mut inner = Struct::new();
    inner.insert("tags", Value::Array(vec![s("a"), s("b"), Value::Int(3)]));
    let v = Value::Array(vec![Value::Nil, Value::Struct(inner)]);

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Tagged {
        tags: Vec<String>,
    }
    let e = from_value::<(Option<i32>, Tagged)>(v).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!(e.path().as_deref(), Some("[1].tags[2]"));
    assert_eq!((e.expected(), e.found()), (Some("string"), Some("int")));

    assert_eq!(from_value::<i64>(Value::Int(5)).unwrap(), 5);
    assert_eq!(from_value::<i8>(Value::Long(5)).unwrap(), 5);
    assert_eq!(
        from_value::<u8>(Value::Int(300)).unwrap_err().kind(),
        ErrorKind::Type
    );
    assert_eq!(from_value::<Option<i32>>(Value::Nil).unwrap(), None);
    assert_eq!(from_value::<()>(Value::Nil).unwrap(), ());
    assert_eq!(
        from_value::<Binary>(Value::Binary(vec![1, 2])).unwrap().0,
        vec![1, 2]
    );
    let dt = DateTime::new(2020, 1, 2, 3, 4, 5).unwrap();
    assert_eq!(from_value::<DateTime>(Value::DateTime(dt)).unwrap(), dt);
    assert_eq!(
        from_value::<Value>(Value::DateTime(dt)).unwrap(),
        Value::DateTime(dt)
    );
    assert_eq!(from_value::<Shape>(s("Empty")).unwrap(), Shape::Empty);
    let mut circle = Struct::new();
    circle.insert("Circle", Value::Double(2.0));
    assert_eq!(
        from_value::<Shape>(Value::Struct(circle)).unwrap(),
        Shape::Circle(2.0)
    );
    assert_eq!(
        from_value::<String>(Value::Int(1)).unwrap_err().kind(),
        ErrorKind::Type
    );
    // A Value round-trips through from_value unchanged.
    let doc = val("<struct><member><name>a</name><value><array><data><value><i8>1</i8></value><value><base64>AA==</base64></value></data></array></value></member></struct>").unwrap();
    assert_eq!(from_value::<Value>(doc.clone()).unwrap(), doc);
}

#[test]
fn params_api() {
    let config = Config::default();
    let xml = b"<methodCall><methodName>m</methodName><params><param><value><int>1</int></value></param><param><value>two</value></param><param><value><nil/></value></param></params></methodCall>";
    let mut call = parse_call(xml, &config).unwrap();
    assert_eq!(call.params.next::<i32>().unwrap(), 1);
    assert_eq!(call.params.next::<String>().unwrap(), "two");
    assert_eq!(call.params.next_opt::<Option<i32>>().unwrap(), Some(None));
    assert_eq!(call.params.next_opt::<i32>().unwrap(), None);
    let e = call.params.next::<i32>().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!(e.path().as_deref(), Some("params[3]"));
    call.params.finish().unwrap();

    // Too many parameters: the error counts them.
    let mut call = parse_call(xml, &config).unwrap();
    assert_eq!(call.params.next::<i32>().unwrap(), 1);
    let e = call.params.finish().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert!(
        e.to_string().contains("takes 1") && e.to_string().contains("has 3"),
        "{e}"
    );

    // A param of the wrong type carries its index.
    let mut call = parse_call(xml, &config).unwrap();
    call.params.next::<i32>().unwrap();
    let e = call.params.next::<i32>().unwrap_err();
    assert_eq!(e.path().as_deref(), Some("params[1]"));

    // From values.
    let mut p = rpc_runtime::Params::from_values(vec![Value::Int(4), s("x")]);
    assert_eq!(p.next::<i64>().unwrap(), 4);
    let e = p.next::<i32>().unwrap_err();
    assert_eq!(e.path().as_deref(), Some("params[1]"));
    let p = rpc_runtime::Params::from_values(vec![Value::Int(4)]);
    assert_eq!(p.finish().unwrap_err().kind(), ErrorKind::Type);
    let p = rpc_runtime::Params::from_values(vec![Value::Int(4)]);
    assert_eq!(p.into_values().unwrap(), vec![Value::Int(4)]);

    // Whatever follows the parameters is checked by finish.
    let bad = b"<methodCall><methodName>m</methodName><params><param><value><int>1</int></value></param></params></methodCall><x/>";
    let mut call = parse_call(bad, &config).unwrap();
    call.params.next::<i32>().unwrap();
    assert!(call.params.finish().is_err());
}

#[test]
fn method_names() {
    let config = Config::default();
    let call = parse_call(
        b"<methodCall><methodName> a&amp;b.c </methodName></methodCall>",
        &config,
    )
    .unwrap();
    assert_eq!(call.name, " a&b.c ");
    for xml in [
        "<methodCall><methodName></methodName></methodCall>",
        "<methodCall><methodName/></methodCall>",
        "<methodCall><params/></methodCall>",
        "<methodCall/>",
        "<methodResponse><params/></methodResponse>",
        "<methodCall><methodName>a</methodName><methodName>b</methodName></methodCall>",
        "<methodCall><methodName>a<int/></methodName></methodCall>",
    ] {
        let e = parse_call(xml.as_bytes(), &config).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{xml}: {e}");
    }
}

#[test]
fn error_paths_point_at_the_value() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        tags: Vec<String>,
    }
    let xml = "<?xml version='1.0'?>
<methodCall><methodName>m</methodName><params>
<param><value><int>1</int></value></param>
<param><value><struct>
<member><name>name</name><value>n</value></member>
<member><name>tags</name><value><array><data><value>a</value><value>b</value><value><int>3</int></value></data></array></value></member>
</struct></value></param>
</params></methodCall>";
    let mut call = parse_call(xml.as_bytes(), &Config::default()).unwrap();
    call.params.next::<i32>().unwrap();
    let e = call.params.next::<Item>().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!(e.path().as_deref(), Some("params[1].tags[2]"));
    assert_eq!((e.expected(), e.found()), (Some("string"), Some("int")));
    let offset = e.offset().unwrap() as usize;
    assert!(
        xml[offset..].starts_with("<int>3</int>"),
        "offset {offset}: {}",
        &xml[offset..]
    );
    assert_eq!(
        e.to_string(),
        format!("expected string, found int at params[1].tags[2] (byte {offset})")
    );

    // A missing member is reported at the struct.
    let xml = "<methodCall><methodName>m</methodName><params><param><value><array><data><value><struct><member><name>name</name><value>n</value></member></struct></value></data></array></value></param></params></methodCall>";
    let mut call = parse_call(xml.as_bytes(), &Config::default()).unwrap();
    let e = call.params.next::<Vec<Item>>().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!(e.path().as_deref(), Some("params[0][0]"));
    assert!(e.to_string().contains("tags"), "{e}");
    let offset = e.offset().unwrap() as usize;
    assert!(xml[offset..].starts_with("<struct>"), "{}", &xml[offset..]);
}
