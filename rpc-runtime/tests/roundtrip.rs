//! Property tests: whatever is written reads back as the same value, for random [`Value`]
//! trees and for random typed structs, through `<value>` elements, responses and calls,
//! and through `to_value` / `from_value`. `PROPTEST_CASES` sets the cases per property
//! (256 by default).

use std::collections::BTreeMap;

use proptest::prelude::*;
use rpc_runtime::{
    Binary, CallWriter, Config, DateTime, Struct, Value, encode_response, from_slice, from_value,
    parse_call, parse_response, to_value, to_vec,
};
use serde::{Deserialize, Serialize};

/// A character XML 1.0 can carry, weighted towards the ones that need care.
fn xml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => (0x20u32..0x7F).prop_map(|c| char::from_u32(c).unwrap()),
        2 => prop::sample::select(vec!['<', '>', '&', '"', '\'', ']', '\r', '\n', '\t']),
        2 => (0x80u32..0xD800).prop_map(|c| char::from_u32(c).unwrap()),
        1 => (0xE000u32..0xFFFE).prop_map(|c| char::from_u32(c).unwrap()),
        1 => (0x10000u32..0x110000).prop_map(|c| char::from_u32(c).unwrap()),
    ]
}

fn xml_string() -> impl Strategy<Value = String> {
    prop::collection::vec(xml_char(), 0..24).prop_map(String::from_iter)
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>()
            .prop_map(f64::from_bits)
            .prop_filter("finite", |d| d.is_finite()),
        prop::sample::select(vec![0.0, -0.0, 1e16, 5e-324, f64::MAX, f64::MIN, 0.1, 1.0]),
    ]
}

fn datetime() -> impl Strategy<Value = DateTime> {
    (0u16..=9999, 1u8..=12, 1u8..=31, 0u8..24, 0u8..60, 0u8..=60)
        .prop_filter_map("a calendar day", |(y, mo, d, h, mi, s)| {
            DateTime::new(y, mo, d, h, mi, s)
        })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::Int),
        any::<i64>().prop_map(Value::Long),
        any::<bool>().prop_map(Value::Bool),
        xml_string().prop_map(Value::String),
        finite_f64().prop_map(Value::Double),
        datetime().prop_map(Value::DateTime),
        prop::collection::vec(any::<u8>(), 0..48).prop_map(Value::Binary),
        Just(Value::Nil),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(8, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((xml_string(), inner), 0..8)
                .prop_map(|members| Value::Struct(members.into_iter().collect::<Struct>())),
        ]
    })
}

/// Equality that tells `-0.0` from `0.0` and `Int(1)` from `Long(1)`.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Long(x), Value::Long(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Struct(x), Value::Struct(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((kx, vx), (ky, vy))| kx == ky && same(vx, vy))
        }
        (Value::Int(_) | Value::Long(_) | Value::Double(_), _) => false,
        _ => a == b,
    }
}

proptest! {
    #[test]
    fn value_element_round_trips(v in value()) {
        let xml = to_vec(&v).unwrap();
        let back: Value = from_slice(&xml).unwrap();
        prop_assert!(same(&v, &back), "{v:?}\n{}\n{back:?}", String::from_utf8_lossy(&xml));
    }

    #[test]
    fn response_round_trips(v in value()) {
        let xml = encode_response(&v, &Config::DEFAULT).unwrap();
        let back: Value = parse_response(&xml, &Config::DEFAULT).unwrap().unwrap();
        prop_assert!(same(&v, &back), "{v:?}\n{back:?}");
    }

    #[test]
    fn call_round_trips(name in xml_string().prop_filter("a name", |n| !n.is_empty()), params in prop::collection::vec(value(), 0..4)) {
        let mut call = CallWriter::new(&name).unwrap();
        for p in &params {
            call.param(p, &Config::DEFAULT).unwrap();
        }
        let xml = call.finish();
        let parsed = parse_call(&xml, &Config::DEFAULT).unwrap();
        prop_assert_eq!(&*parsed.name, name.as_str());
        let back = parsed.params.into_values().unwrap();
        prop_assert_eq!(back.len(), params.len());
        for (p, b) in params.iter().zip(&back) {
            prop_assert!(same(p, b), "{p:?}\n{b:?}");
        }
    }

    #[test]
    fn value_converts_to_itself(v in value()) {
        let via_to = to_value(&v).unwrap();
        prop_assert!(same(&v, &via_to), "{v:?}\n{via_to:?}");
        let via_from: Value = from_value(v.clone()).unwrap();
        prop_assert!(same(&v, &via_from), "{v:?}\n{via_from:?}");
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Shape {
    Empty,
    Circle(f64),
    Rect(u16, u16),
    Labeled { label: String, sides: Vec<u8> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Extra {
    note: String,
    level: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Record {
    #[serde(rename = "recordName")]
    name: String,
    id: i64,
    small: i8,
    unsigned: u32,
    big: u64,
    ratio: f64,
    single: f32,
    letter: char,
    flag: bool,
    when: DateTime,
    blob: Binary,
    #[serde(with = "serde_bytes")]
    raw: Vec<u8>,
    numbers: Vec<i32>,
    pair: (String, Option<bool>),
    maybe: Option<Box<Record>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    absent: Option<String>,
    #[serde(skip)]
    ignored: u8,
    #[serde(default)]
    defaulted: Vec<String>,
    shapes: Vec<Shape>,
    table: BTreeMap<String, i64>,
    unit: (),
    #[serde(flatten)]
    extra: Extra,
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Empty),
        finite_f64().prop_map(Shape::Circle),
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Shape::Rect(a, b)),
        (xml_string(), prop::collection::vec(any::<u8>(), 0..4))
            .prop_map(|(label, sides)| Shape::Labeled { label, sides }),
    ]
}

prop_compose! {
    fn plain_record()(
        name in xml_string().prop_filter("a name", |n| !n.is_empty()),
        id in any::<i64>(),
        small in any::<i8>(),
        unsigned in any::<u32>(),
        big in 0..=i64::MAX as u64,
        ratio in finite_f64(),
        single in any::<f32>().prop_filter("finite", |f| f.is_finite()),
        letter in xml_char(),
        flag in any::<bool>(),
        when in datetime(),
        blob in prop::collection::vec(any::<u8>(), 0..32),
        raw in prop::collection::vec(any::<u8>(), 0..32),
        numbers in prop::collection::vec(any::<i32>(), 0..6),
        pair in (xml_string(), any::<Option<bool>>()),
        absent in prop::option::of(xml_string()),
        defaulted in prop::collection::vec(xml_string(), 0..3),
        shapes in prop::collection::vec(shape(), 0..4),
        table in prop::collection::btree_map(xml_string(), any::<i64>(), 0..4),
        note in xml_string(),
        level in any::<Option<i32>>(),
    ) -> Record {
        Record {
            name, id, small, unsigned, big, ratio, single, letter, flag, when,
            blob: Binary(blob), raw, numbers, pair, maybe: None, absent, ignored: 0,
            defaulted, shapes, table, unit: (), extra: Extra { note, level },
        }
    }
}

fn record() -> impl Strategy<Value = Record> {
    (plain_record(), prop::option::of(plain_record())).prop_map(|(mut r, inner)| {
        r.maybe = inner.map(Box::new);
        r
    })
}

proptest! {
    #[test]
    fn typed_round_trips(r in record()) {
        let xml = to_vec(&r).unwrap();
        let back: Record = from_slice(&xml).unwrap();
        prop_assert_eq!(&back, &r, "{}", String::from_utf8_lossy(&xml));
        prop_assert_eq!(back.ratio.to_bits(), r.ratio.to_bits());
    }

    #[test]
    fn typed_round_trips_as_params(r in record(), n in any::<i64>()) {
        let mut call = CallWriter::new("put").unwrap();
        call.param(&r, &Config::DEFAULT).unwrap();
        call.param(&n, &Config::DEFAULT).unwrap();
        let xml = call.finish();
        let mut params = parse_call(&xml, &Config::DEFAULT).unwrap().params;
        prop_assert_eq!(params.next::<Record>().unwrap(), r);
        prop_assert_eq!(params.next::<i64>().unwrap(), n);
        params.finish().unwrap();
    }

    #[test]
    fn typed_round_trips_through_value(r in record()) {
        let v = to_value(&r).unwrap();
        let back: Record = from_value(v.clone()).unwrap();
        prop_assert_eq!(&back, &r);
        // The Value writes the same bytes as the typed struct.
        prop_assert_eq!(to_vec(&v).unwrap(), to_vec(&r).unwrap());
    }
}

#[test]
fn skipped_and_defaulted_members_are_absent_on_the_wire() {
    let r = Record {
        name: "n".into(),
        id: 1,
        small: 2,
        unsigned: 3,
        big: 4,
        ratio: 0.5,
        single: 0.25,
        letter: 'x',
        flag: true,
        when: DateTime::new(2000, 1, 1, 0, 0, 0).unwrap(),
        blob: Binary::default(),
        raw: vec![],
        numbers: vec![],
        pair: ("p".into(), None),
        maybe: None,
        absent: None,
        ignored: 9,
        defaulted: vec![],
        shapes: vec![Shape::Empty],
        table: BTreeMap::new(),
        unit: (),
        extra: Extra {
            note: "x".into(),
            level: None,
        },
    };
    let xml = String::from_utf8(to_vec(&r).unwrap()).unwrap();
    assert!(!xml.contains("<name>absent</name>"), "{xml}");
    assert!(!xml.contains("<name>ignored</name>"), "{xml}");
    assert!(xml.contains("<name>recordName</name>"), "{xml}");
    assert!(xml.contains("<name>note</name>"), "{xml}");
    let back: Record = from_slice(xml.as_bytes()).unwrap();
    assert_eq!(back.ignored, 0);
    assert_eq!(back, Record { ignored: 0, ..r });
}

/// Strings that need care (markup, CR, CRLF, `]]>`, U+FFFD, astral) come back exactly.
#[test]
fn strings_needing_care_round_trip_exactly() {
    for s in [
        "<&>\"'",
        "a\r\nb",
        "\r",
        "\r\r\n\n",
        "]]>",
        "x]]>y]]",
        "\u{FFFD}",
        "😀\u{10FFFF}\u{10000}",
        "\u{E000}\u{FFFD}\u{FFEF}",
        " \t leading and trailing \t ",
        "",
    ] {
        let xml = to_vec(s).unwrap();
        assert_eq!(from_slice::<String>(&xml).unwrap(), s, "{s:?}");
        let name = format!("m{s}");
        let mut call = CallWriter::new(&name).unwrap();
        call.param(s, &Config::DEFAULT).unwrap();
        let xml = call.finish();
        let mut parsed = parse_call(&xml, &Config::DEFAULT).unwrap();
        assert_eq!(parsed.name, name);
        assert_eq!(parsed.params.next::<String>().unwrap(), s);
        parsed.params.finish().unwrap();
    }
}

#[test]
fn faults_round_trip() {
    use rpc_runtime::{Fault, encode_fault};
    let sent = Fault::new(-32602, "bad <params> & \r\n more");
    let got = parse_response::<Value>(&encode_fault(&sent), &Config::DEFAULT)
        .unwrap()
        .unwrap_err();
    assert_eq!(got, sent);
    // Characters XML cannot carry arrive as U+FFFD.
    let got = parse_response::<Value>(&encode_fault(&Fault::new(1, "a\u{0}b")), &Config::DEFAULT)
        .unwrap()
        .unwrap_err();
    assert_eq!(got, Fault::new(1, "a\u{FFFD}b"));
}

#[test]
fn written_depth_limit_matches_the_read_limit() {
    fn nested(levels: usize) -> Value {
        let mut v = Value::Int(1);
        for _ in 0..levels {
            v = Value::Array(vec![v]);
        }
        v
    }
    let config = Config::DEFAULT.max_depth(8);
    // 7 arrays around an int: 8 values deep, the most both sides take.
    let mut out = Vec::new();
    rpc_runtime::ser::write_value(&mut out, &nested(7), &config).unwrap();
    let back: Value = rpc_runtime::de::from_slice_with_config(&out, &config).unwrap();
    assert_eq!(back, nested(7));
    let e = rpc_runtime::ser::write_value(&mut Vec::new(), &nested(8), &config).unwrap_err();
    assert_eq!(e.kind(), rpc_runtime::ErrorKind::Limit);
    let xml = to_vec(&nested(8)).unwrap();
    let e = rpc_runtime::de::from_slice_with_config::<Value>(&xml, &config).unwrap_err();
    assert_eq!(e.kind(), rpc_runtime::ErrorKind::Limit);
}
