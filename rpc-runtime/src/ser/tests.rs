//! Exact bytes for every row of the mapping, the message framing, and the error cases.

use std::collections::BTreeMap;

use serde::Serialize;

use super::*;
use crate::binary::Binary;
use crate::datetime::DateTime;
use crate::error::{ErrorKind, PathSegment};
use crate::fault::Fault;
use crate::value::{Struct, Value};

fn xml<T: Serialize + ?Sized>(v: &T) -> String {
    String::from_utf8(to_vec(v).unwrap()).unwrap()
}

fn inner<T: Serialize + ?Sized>(v: &T) -> String {
    let s = xml(v);
    s.strip_prefix("<value>")
        .and_then(|s| s.strip_suffix("</value>"))
        .unwrap_or_else(|| panic!("not one value element: {s}"))
        .to_owned()
}

fn err<T: Serialize + ?Sized>(v: &T) -> crate::Error {
    to_vec(v).unwrap_err()
}

#[test]
fn small_integers_are_i4() {
    assert_eq!(inner(&0i8), "<i4>0</i4>");
    assert_eq!(inner(&-128i8), "<i4>-128</i4>");
    assert_eq!(inner(&i16::MIN), "<i4>-32768</i4>");
    assert_eq!(inner(&i32::MAX), "<i4>2147483647</i4>");
    assert_eq!(inner(&i32::MIN), "<i4>-2147483648</i4>");
    assert_eq!(inner(&255u8), "<i4>255</i4>");
    assert_eq!(inner(&65535u16), "<i4>65535</i4>");
}

#[test]
fn wide_integers_are_i4_when_they_fit_else_i8() {
    assert_eq!(inner(&5i64), "<i4>5</i4>");
    assert_eq!(inner(&-2147483648i64), "<i4>-2147483648</i4>");
    assert_eq!(inner(&2147483648i64), "<i8>2147483648</i8>");
    assert_eq!(inner(&-2147483649i64), "<i8>-2147483649</i8>");
    assert_eq!(inner(&i64::MIN), "<i8>-9223372036854775808</i8>");
    assert_eq!(inner(&i64::MAX), "<i8>9223372036854775807</i8>");
    assert_eq!(inner(&7u32), "<i4>7</i4>");
    assert_eq!(inner(&u32::MAX), "<i8>4294967295</i8>");
    assert_eq!(inner(&(i64::MAX as u64)), "<i8>9223372036854775807</i8>");
    assert_eq!(inner(&-3i128), "<i4>-3</i4>");
    assert_eq!(inner(&(1u128 << 40)), "<i8>1099511627776</i8>");
}

#[test]
fn integers_beyond_i64_are_encode_errors() {
    for e in [
        err(&u64::MAX),
        err(&(i64::MAX as u64 + 1)),
        err(&i128::MIN),
        err(&(i64::MAX as i128 + 1)),
        err(&u128::MAX),
    ] {
        assert_eq!(e.kind(), ErrorKind::Encode, "{e}");
        assert!(e.message().contains("<i8>"), "{e}");
    }
}

#[test]
fn doubles_are_plain_decimal_that_round_trips() {
    assert_eq!(inner(&1.0f64), "<double>1.0</double>");
    assert_eq!(inner(&-0.0f64), "<double>-0.0</double>");
    assert_eq!(inner(&0.0f64), "<double>0.0</double>");
    assert_eq!(inner(&3.5f64), "<double>3.5</double>");
    assert_eq!(inner(&0.1f64), "<double>0.1</double>");
    assert_eq!(inner(&-12.214f64), "<double>-12.214</double>");
    assert_eq!(inner(&1e16f64), "<double>10000000000000000.0</double>");
    assert_eq!(inner(&1e-7f64), "<double>0.0000001</double>");
    assert_eq!(
        inner(&1000000000000000.5f64),
        "<double>1000000000000000.5</double>"
    );
    // f32 gets its own shortest digits.
    assert_eq!(inner(&0.1f32), "<double>0.1</double>");
    assert_eq!(inner(&2.0f32), "<double>2.0</double>");
    for v in [
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        1.7976931348623157e308,
        -1e300,
        123456.789e-200,
    ] {
        let s = inner(&v);
        let text = s
            .strip_prefix("<double>")
            .unwrap()
            .strip_suffix("</double>")
            .unwrap();
        assert!(!text.contains(['e', 'E']), "{text}");
        assert!(text.contains('.'), "{text}");
        assert_eq!(
            text.parse::<f64>().unwrap().to_bits(),
            v.to_bits(),
            "{text}"
        );
    }
}

#[test]
fn non_finite_doubles_need_the_config_flag() {
    for v in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
        let e = err(&v);
        assert_eq!(e.kind(), ErrorKind::Encode);
        assert!(e.message().contains("allow_non_finite"), "{e}");
    }
    assert_eq!(err(&f32::NAN).kind(), ErrorKind::Encode);
    let config = Config::DEFAULT.allow_non_finite(true);
    let write = |v: f64| {
        let mut out = Vec::new();
        write_value(&mut out, &v, &config).unwrap();
        String::from_utf8(out).unwrap()
    };
    assert_eq!(write(f64::INFINITY), "<value><double>inf</double></value>");
    assert_eq!(
        write(f64::NEG_INFINITY),
        "<value><double>-inf</double></value>"
    );
    assert_eq!(write(f64::NAN), "<value><double>nan</double></value>");
    assert_eq!(write(-f64::NAN), "<value><double>nan</double></value>");
}

#[test]
fn booleans() {
    assert_eq!(inner(&true), "<boolean>1</boolean>");
    assert_eq!(inner(&false), "<boolean>0</boolean>");
}

#[test]
fn strings_are_always_written_out_and_escaped() {
    assert_eq!(inner(""), "<string></string>");
    assert_eq!(inner(&String::new()), "<string></string>");
    assert_eq!(inner("<&>]]>"), "<string>&lt;&amp;&gt;]]&gt;</string>");
    assert_eq!(inner("a\r\nb\r"), "<string>a&#13;\nb&#13;</string>");
    assert_eq!(inner("\"'"), "<string>\"'</string>");
    assert_eq!(inner("é✓😀\u{FFFD}\t"), "<string>é✓😀\u{FFFD}\t</string>");
    assert_eq!(inner(&'x'), "<string>x</string>");
    assert_eq!(inner(&'<'), "<string>&lt;</string>");
    assert_eq!(inner(&'😀'), "<string>😀</string>");
}

#[test]
fn strings_xml_cannot_carry_are_encode_errors() {
    for s in [
        "a\u{0}",
        "\u{1}",
        "x\u{FFFE}",
        "\u{FFFF}",
        "\u{B}",
        "\u{1F}",
    ] {
        let e = err(s);
        assert_eq!(e.kind(), ErrorKind::Encode, "{s:?}");
    }
    assert_eq!(err(&'\u{0}').kind(), ErrorKind::Encode);
    // The error names the character and the path.
    #[derive(Serialize)]
    struct S {
        tags: Vec<String>,
    }
    let e = err(&S {
        tags: vec!["ok".into(), "bad\u{1}".into()],
    });
    assert_eq!(e.path().as_deref(), Some("tags[1]"));
    assert!(e.message().contains("U+0001"), "{e}");
}

#[test]
fn bytes_are_base64_on_one_line() {
    assert_eq!(
        inner(&Binary::from(&b"you can't read this!"[..])),
        "<base64>eW91IGNhbid0IHJlYWQgdGhpcyE=</base64>"
    );
    assert_eq!(inner(&Binary::default()), "<base64></base64>");
    assert_eq!(inner(&Binary::from(&b"a"[..])), "<base64>YQ==</base64>");
    let long = Binary::new(vec![b'x'; 60]);
    assert_eq!(
        inner(&long),
        "<base64>eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4</base64>"
    );
    #[derive(Serialize)]
    struct B<'a> {
        #[serde(with = "serde_bytes")]
        data: &'a [u8],
    }
    assert_eq!(
        inner(&B { data: &[0, 255] }),
        "<struct><member><name>data</name><value><base64>AP8=</base64></value></member></struct>"
    );
    // A plain Vec<u8> is a sequence of numbers to serde.
    assert_eq!(
        inner(&vec![1u8]),
        "<array><data><value><i4>1</i4></value></data></array>"
    );
}

#[test]
fn datetimes() {
    let dt = DateTime::new(1998, 7, 17, 14, 8, 55).unwrap();
    assert_eq!(
        inner(&dt),
        "<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>"
    );
    let dt = DateTime::new(5, 1, 2, 3, 4, 5).unwrap();
    assert_eq!(
        inner(&Some(dt)),
        "<dateTime.iso8601>00050102T03:04:05</dateTime.iso8601>"
    );
}

#[test]
fn nil_options_and_newtypes() {
    #[derive(Serialize)]
    struct Unit;
    #[derive(Serialize)]
    struct Meters(f64);
    assert_eq!(inner(&None::<i32>), "<nil/>");
    assert_eq!(inner(&()), "<nil/>");
    assert_eq!(inner(&Unit), "<nil/>");
    assert_eq!(inner(&Some(5)), "<i4>5</i4>");
    assert_eq!(inner(&Some(Some("x"))), "<string>x</string>");
    assert_eq!(inner(&Meters(2.5)), "<double>2.5</double>");
}

#[test]
fn sequences_and_tuples_are_arrays() {
    #[derive(Serialize)]
    struct Pair(i32, bool);
    assert_eq!(inner(&Vec::<i32>::new()), "<array><data></data></array>");
    assert_eq!(
        inner(&[1, 2]),
        "<array><data><value><i4>1</i4></value><value><i4>2</i4></value></data></array>"
    );
    assert_eq!(
        inner(&(1, "a")),
        "<array><data><value><i4>1</i4></value><value><string>a</string></value></data></array>"
    );
    assert_eq!(
        inner(&Pair(1, true)),
        "<array><data><value><i4>1</i4></value><value><boolean>1</boolean></value></data></array>"
    );
    assert_eq!(
        inner(&vec![vec![1], vec![]]),
        "<array><data><value><array><data><value><i4>1</i4></value></data></array></value>\
         <value><array><data></data></array></value></data></array>"
    );
}

#[test]
fn structs_keep_order_and_skip_what_serde_skips() {
    #[derive(Serialize)]
    struct Inner {
        x: i32,
    }
    #[derive(Serialize)]
    struct S {
        #[serde(rename = "lowerBound")]
        lower: i32,
        upper: Option<i32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        absent: Option<i32>,
        #[serde(skip)]
        _hidden: i32,
        #[serde(flatten)]
        inner: Inner,
    }
    assert_eq!(
        inner(&S {
            lower: 18,
            upper: None,
            absent: None,
            _hidden: 3,
            inner: Inner { x: 1 },
        }),
        "<struct><member><name>lowerBound</name><value><i4>18</i4></value></member>\
         <member><name>upper</name><value><nil/></value></member>\
         <member><name>x</name><value><i4>1</i4></value></member></struct>"
    );
    #[derive(Serialize)]
    struct Empty {}
    assert_eq!(inner(&Empty {}), "<struct></struct>");
}

#[test]
fn maps_need_string_keys() {
    let mut m = BTreeMap::new();
    m.insert("b<", 2);
    m.insert("a", 1);
    assert_eq!(
        inner(&m),
        "<struct><member><name>a</name><value><i4>1</i4></value></member>\
         <member><name>b&lt;</name><value><i4>2</i4></value></member></struct>"
    );
    let mut c = BTreeMap::new();
    c.insert('k', true);
    assert_eq!(
        inner(&c),
        "<struct><member><name>k</name><value><boolean>1</boolean></value></member></struct>"
    );
    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    enum Color {
        Red,
    }
    let mut e = BTreeMap::new();
    e.insert(Color::Red, 1);
    assert_eq!(
        inner(&e),
        "<struct><member><name>Red</name><value><i4>1</i4></value></member></struct>"
    );
    let mut bad = BTreeMap::new();
    bad.insert(1, 2);
    let e = err(&bad);
    assert_eq!(e.kind(), ErrorKind::Encode);
    assert!(e.message().contains("must be strings"), "{e}");
    let mut bad = BTreeMap::new();
    bad.insert((1, 2), 2);
    assert_eq!(err(&bad).kind(), ErrorKind::Encode);
    let mut bad = BTreeMap::new();
    bad.insert("a\u{0}", 2);
    assert_eq!(err(&bad).kind(), ErrorKind::Encode);
}

#[test]
fn enums_are_externally_tagged() {
    #[derive(Serialize)]
    enum E {
        Unit,
        New(i32),
        Tuple(i32, String),
        Struct { a: bool },
    }
    assert_eq!(inner(&E::Unit), "<string>Unit</string>");
    assert_eq!(
        inner(&E::New(5)),
        "<struct><member><name>New</name><value><i4>5</i4></value></member></struct>"
    );
    assert_eq!(
        inner(&E::Tuple(1, "x".into())),
        "<struct><member><name>Tuple</name><value><array><data><value><i4>1</i4></value>\
         <value><string>x</string></value></data></array></value></member></struct>"
    );
    assert_eq!(
        inner(&E::Struct { a: false }),
        "<struct><member><name>Struct</name><value><struct><member><name>a</name>\
         <value><boolean>0</boolean></value></member></struct></value></member></struct>"
    );
}

#[test]
fn errors_carry_the_path() {
    #[derive(Serialize)]
    enum E {
        T(i32, f64),
        S { v: f64 },
        N(f64),
    }
    #[derive(Serialize)]
    struct Item {
        name: String,
        values: Vec<E>,
    }
    let items = vec![
        Item {
            name: "a".into(),
            values: vec![],
        },
        Item {
            name: "b".into(),
            values: vec![E::N(1.0), E::T(1, f64::NAN)],
        },
    ];
    let e = err(&items);
    assert_eq!(e.kind(), ErrorKind::Encode);
    assert_eq!(e.path().as_deref(), Some("[1].values[1].T[1]"));
    let e = err(&vec![E::S { v: f64::INFINITY }]);
    assert_eq!(e.path().as_deref(), Some("[0].S.v"));
    let e = err(&E::N(f64::NAN));
    assert_eq!(e.path().as_deref(), Some("N"));
    let mut m = BTreeMap::new();
    m.insert("k&<", f64::NAN);
    assert_eq!(err(&m).path().as_deref(), Some("k&<"));
    let mut call = CallWriter::new("m").unwrap();
    call.param(&1, &Config::DEFAULT).unwrap();
    let e = call.param(&[f64::NAN, 1.0], &Config::DEFAULT).unwrap_err();
    assert_eq!(
        e.path_segments(),
        &[PathSegment::Param(1), PathSegment::Index(0)]
    );
    assert_eq!(e.path().as_deref(), Some("params[1][0]"));
}

#[test]
fn value_writes_each_variant_as_its_wire_type() {
    let mut s = Struct::new();
    s.insert("b", Value::Long(5));
    s.insert("a", Value::Nil);
    let v = Value::Array(vec![
        Value::Int(7),
        Value::Long(7),
        Value::Long(1 << 40),
        Value::Bool(true),
        Value::String("x&y".into()),
        Value::Double(2.0),
        Value::DateTime(DateTime::new(1998, 7, 17, 14, 8, 55).unwrap()),
        Value::Binary(b"hi".to_vec()),
        Value::Struct(s),
        Value::Array(vec![]),
        Value::Nil,
    ]);
    assert_eq!(
        inner(&v),
        "<array><data><value><i4>7</i4></value><value><i8>7</i8></value>\
         <value><i8>1099511627776</i8></value><value><boolean>1</boolean></value>\
         <value><string>x&amp;y</string></value><value><double>2.0</double></value>\
         <value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value>\
         <value><base64>aGk=</base64></value><value><struct><member><name>b</name>\
         <value><i8>5</i8></value></member><member><name>a</name><value><nil/></value>\
         </member></struct></value><value><array><data></data></array></value>\
         <value><nil/></value></data></array>"
    );
}

#[test]
fn depth_is_bounded() {
    // depth 1 = the top value; nested arrays add one each.
    fn nested(levels: usize) -> Value {
        let mut v = Value::Int(1);
        for _ in 0..levels {
            v = Value::Array(vec![v]);
        }
        v
    }
    let config = Config::DEFAULT.max_depth(4);
    let mut out = Vec::new();
    write_value(&mut out, &nested(3), &config).unwrap();
    out.clear();
    let e = write_value(&mut out, &nested(4), &config).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(out.is_empty(), "output restored on error");
    // Deeper than the default limit, with the default config.
    assert_eq!(err(&nested(200)).kind(), ErrorKind::Limit);
    // A recursive type through enums and options.
    #[derive(Serialize)]
    enum List {
        Nil,
        Cons(i32, Box<List>),
    }
    let mut l = List::Nil;
    for i in 0..1000 {
        l = List::Cons(i, Box::new(l));
    }
    assert_eq!(err(&l).kind(), ErrorKind::Limit);
    #[derive(Serialize)]
    struct Chain(Option<Box<Chain>>);
    let mut c = Chain(None);
    for _ in 0..1000 {
        c = Chain(Some(Box::new(c)));
    }
    assert_eq!(err(&c).kind(), ErrorKind::Limit);
    assert_eq!(
        write_value(&mut Vec::new(), &1, &Config::DEFAULT.max_depth(0))
            .unwrap_err()
            .kind(),
        ErrorKind::Limit
    );
    // to_value is bounded by the default depth.
    assert_eq!(to_value(&nested(200)).unwrap_err().kind(), ErrorKind::Limit);
    assert_eq!(to_value(&l).unwrap_err().kind(), ErrorKind::Limit);
    assert_eq!(to_value(&c).unwrap_err().kind(), ErrorKind::Limit);
}

const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

#[test]
fn golden_call() {
    let mut call = CallWriter::new("examples.getStateName").unwrap();
    assert!(call.is_empty());
    call.param(&41, &Config::DEFAULT).unwrap();
    call.param("a<b", &Config::DEFAULT).unwrap();
    // A failed parameter leaves the call as it was.
    assert!(call.param(&f64::NAN, &Config::DEFAULT).is_err());
    call.param(&None::<i32>, &Config::DEFAULT).unwrap();
    assert_eq!(call.len(), 3);
    let out = String::from_utf8(call.finish()).unwrap();
    assert_eq!(
        out,
        format!(
            "{DECL}<methodCall><methodName>examples.getStateName</methodName><params>\
             <param><value><i4>41</i4></value></param>\
             <param><value><string>a&lt;b</string></value></param>\
             <param><value><nil/></value></param>\
             </params></methodCall>"
        )
    );
}

#[test]
fn golden_call_without_params_and_escaped_name() {
    let out = String::from_utf8(CallWriter::new("a&b").unwrap().finish()).unwrap();
    assert_eq!(
        out,
        format!("{DECL}<methodCall><methodName>a&amp;b</methodName><params></params></methodCall>")
    );
    assert_eq!(
        CallWriter::new("bad\u{0}").err().unwrap().kind(),
        ErrorKind::Encode
    );
    assert_eq!(CallWriter::new("").err().unwrap().kind(), ErrorKind::Encode);
}

#[test]
fn golden_response() {
    let out = String::from_utf8(encode_response(&15, &Config::DEFAULT).unwrap()).unwrap();
    assert_eq!(
        out,
        format!(
            "{DECL}<methodResponse><params><param><value><i4>15</i4></value></param></params>\
             </methodResponse>"
        )
    );
    let frag = to_vec(&"x").unwrap();
    assert_eq!(
        super::encode_response_fragment_owned(frag.clone()),
        encode_response_fragment(&frag)
    );
    let empty = super::encode_response_fragment_owned(Vec::new());
    assert_eq!(empty, encode_response_fragment(b""));
    assert_eq!(
        String::from_utf8(encode_response_fragment(&frag)).unwrap(),
        format!(
            "{DECL}<methodResponse><params><param><value><string>x</string></value></param>\
             </params></methodResponse>"
        )
    );
    assert_eq!(
        encode_response(&f64::NAN, &Config::DEFAULT)
            .unwrap_err()
            .kind(),
        ErrorKind::Encode
    );
}

#[test]
fn golden_fault() {
    let out =
        String::from_utf8(encode_fault(&Fault::new(4, "Too many <parameters> & \r"))).unwrap();
    assert_eq!(
        out,
        format!(
            "{DECL}<methodResponse><fault><value><struct>\
             <member><name>faultCode</name><value><i4>4</i4></value></member>\
             <member><name>faultString</name><value><string>Too many &lt;parameters&gt; &amp; &#13;</string></value></member>\
             </struct></value></fault></methodResponse>"
        )
    );
    // A fault string XML cannot carry still gives a valid document.
    let out =
        String::from_utf8(encode_fault(&Fault::new(-32603, "nul\u{0} and \u{FFFF}"))).unwrap();
    assert!(
        out.contains("<i4>-32603</i4>")
            && out.contains("<string>nul\u{FFFD} and \u{FFFD}</string>"),
        "{out}"
    );
}

#[test]
fn golden_multicall_response() {
    let ok = to_vec(&5).unwrap();
    let fault = Fault::new(1, "division by zero");
    let out = String::from_utf8(encode_multicall_response([Ok(&ok[..]), Err(&fault)])).unwrap();
    assert_eq!(
        out,
        format!(
            "{DECL}<methodResponse><params><param><value><array><data>\
             <value><array><data><value><i4>5</i4></value></data></array></value>\
             <value><struct><member><name>faultCode</name><value><i4>1</i4></value></member>\
             <member><name>faultString</name><value><string>division by zero</string></value></member>\
             </struct></value>\
             </data></array></value></param></params></methodResponse>"
        )
    );
    let empty = String::from_utf8(encode_multicall_response(std::iter::empty())).unwrap();
    assert!(empty.ends_with(
        "<value><array><data></data></array></value></param></params></methodResponse>"
    ));
}

#[test]
fn write_value_appends_and_restores_on_error() {
    let mut out = b"prefix".to_vec();
    write_value(&mut out, &true, &Config::DEFAULT).unwrap();
    assert_eq!(out, b"prefix<value><boolean>1</boolean></value>");
    let before = out.clone();
    assert!(write_value(&mut out, &vec!["ok", "bad\u{1}"], &Config::DEFAULT).is_err());
    assert_eq!(out, before);
}

#[test]
fn to_value_follows_the_same_mapping() {
    #[derive(Serialize)]
    enum E {
        Unit,
        New(u8),
        Tuple(i32, i32),
        Struct { a: bool },
    }
    #[derive(Serialize)]
    struct S {
        small: i64,
        big: i64,
        uns: u64,
        f: f32,
        c: char,
        bin: Binary,
        dt: DateTime,
        none: Option<i32>,
        unit: (),
        list: (i8, &'static str),
        e: Vec<E>,
    }
    let dt = DateTime::new(2024, 2, 29, 23, 59, 60).unwrap();
    let v = to_value(&S {
        small: -5,
        big: 1 << 33,
        uns: 1 << 40,
        f: 0.1,
        c: 'z',
        bin: Binary::from(&b"ab"[..]),
        dt,
        none: None,
        unit: (),
        list: (1, "x"),
        e: vec![E::Unit, E::New(3), E::Tuple(1, 2), E::Struct { a: true }],
    })
    .unwrap();
    let one = |k: &str, v: Value| Value::Struct([(k, v)].into_iter().collect());
    let want: Struct = [
        ("small", Value::Int(-5)),
        ("big", Value::Long(1 << 33)),
        ("uns", Value::Long(1 << 40)),
        ("f", Value::Double(0.1)),
        ("c", Value::String("z".into())),
        ("bin", Value::Binary(b"ab".to_vec())),
        ("dt", Value::DateTime(dt)),
        ("none", Value::Nil),
        ("unit", Value::Nil),
        (
            "list",
            Value::Array(vec![Value::Int(1), Value::String("x".into())]),
        ),
        (
            "e",
            Value::Array(vec![
                Value::String("Unit".into()),
                one("New", Value::Int(3)),
                one("Tuple", Value::Array(vec![Value::Int(1), Value::Int(2)])),
                one("Struct", one("a", Value::Bool(true))),
            ]),
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(v, Value::Struct(want));
    // A Value converts to itself, Long included.
    let v = Value::Array(vec![
        Value::Long(1),
        Value::Int(1),
        Value::Double(f64::INFINITY),
    ]);
    let back = to_value(&v).unwrap();
    assert_eq!(format!("{back:?}"), format!("{v:?}"));
    // Errors.
    assert_eq!(to_value(&u64::MAX).unwrap_err().kind(), ErrorKind::Encode);
    let mut bad = BTreeMap::new();
    bad.insert(1, 1);
    assert_eq!(to_value(&bad).unwrap_err().kind(), ErrorKind::Encode);
    let e = to_value(&vec![Some(vec![0u64, u64::MAX])]).unwrap_err();
    assert_eq!(e.path().as_deref(), Some("[0][1]"));
}

#[test]
fn to_value_replaces_duplicate_keys_in_place() {
    struct Dup;
    impl Serialize for Dup {
        fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(None)?;
            m.serialize_entry("a", &1)?;
            m.serialize_entry("b", &2)?;
            m.serialize_entry("a", &3)?;
            m.end()
        }
    }
    let v = to_value(&Dup).unwrap();
    let s = v.as_struct().unwrap();
    assert_eq!(s.keys().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(s.get("a"), Some(&Value::Int(3)));
}

#[test]
fn misbehaving_serialize_impls_get_errors_not_panics() {
    struct ValueFirst;
    impl Serialize for ValueFirst {
        fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(None)?;
            m.serialize_value(&1)?;
            m.end()
        }
    }
    struct KeyOnly;
    impl Serialize for KeyOnly {
        fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(None)?;
            m.serialize_key("k")?;
            m.end()
        }
    }
    struct Custom;
    impl Serialize for Custom {
        fn serialize<S: serde::Serializer>(&self, _s: S) -> std::result::Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no way"))
        }
    }
    assert_eq!(err(&ValueFirst).kind(), ErrorKind::Encode);
    assert_eq!(err(&KeyOnly).kind(), ErrorKind::Encode);
    assert_eq!(to_value(&ValueFirst).unwrap_err().kind(), ErrorKind::Encode);
    assert_eq!(to_value(&KeyOnly).unwrap_err().kind(), ErrorKind::Encode);
    let e = err(&vec![Custom]);
    assert_eq!(
        (e.kind(), e.message(), e.path().as_deref()),
        (ErrorKind::Encode, "no way", Some("[0]"))
    );
}

#[test]
fn python_example_4_2_values() {
    // The values of Python's all-types echo call, as this writer spells them.
    #[derive(Serialize)]
    struct Bounds {
        #[serde(rename = "lowerBound")]
        lower: i32,
        #[serde(rename = "upperBound")]
        upper: Option<i32>,
    }
    let mut call = CallWriter::new("echo").unwrap();
    let c = &Config::DEFAULT;
    call.param(&42, c).unwrap();
    call.param(&true, c).unwrap();
    call.param("a<b & c>d", c).unwrap();
    call.param(&3.5, c).unwrap();
    call.param(&DateTime::new(1998, 7, 17, 14, 8, 55).unwrap(), c)
        .unwrap();
    call.param(&Binary::from(&b"you can't read this!"[..]), c)
        .unwrap();
    call.param(
        &Bounds {
            lower: 18,
            upper: None,
        },
        c,
    )
    .unwrap();
    call.param(&(12, "Egypt", false, -31), c).unwrap();
    call.param("é✓", c).unwrap();
    let out = String::from_utf8(call.finish()).unwrap();
    assert_eq!(
        out,
        format!(
            "{DECL}<methodCall><methodName>echo</methodName><params>\
             <param><value><i4>42</i4></value></param>\
             <param><value><boolean>1</boolean></value></param>\
             <param><value><string>a&lt;b &amp; c&gt;d</string></value></param>\
             <param><value><double>3.5</double></value></param>\
             <param><value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value></param>\
             <param><value><base64>eW91IGNhbid0IHJlYWQgdGhpcyE=</base64></value></param>\
             <param><value><struct><member><name>lowerBound</name><value><i4>18</i4></value></member>\
             <member><name>upperBound</name><value><nil/></value></member></struct></value></param>\
             <param><value><array><data><value><i4>12</i4></value><value><string>Egypt</string></value>\
             <value><boolean>0</boolean></value><value><i4>-31</i4></value></data></array></value></param>\
             <param><value><string>é✓</string></value></param>\
             </params></methodCall>"
        )
    );
}
