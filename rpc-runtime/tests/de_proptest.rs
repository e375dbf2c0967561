//! Property tests (robustness research, E6): arbitrary bytes and mutated valid messages
//! give `Ok` or `Err`, never a panic.

use proptest::prelude::*;
use rpc_runtime::{Config, Value, from_slice, parse_call, parse_response};

const SEEDS: &[&str] = &[
    "<?xml version='1.0'?>\n<methodCall>\n<methodName>echo</methodName>\n<params>\n<param>\n<value><struct>\n<member>\n<name>a&amp;b</name>\n<value><array><data>\n<value><int>12</int></value>\n<value>untyped</value>\n<value><base64>\neW91IGNhbid0IHJlYWQgdGhpcyE=\n</base64></value>\n<value><nil/></value>\n<value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value>\n</data></array></value>\n</member>\n</struct></value>\n</param>\n<param>\n<value><double>1.5</double></value>\n</param>\n<param><value><boolean>1</boolean></value></param>\n<param><value><i8>-9</i8></value></param>\n<param><value><string>&#x1F600;&lt;<![CDATA[x]]></string></value></param>\n</params>\n</methodCall>\n",
    "<methodCall><methodName>m</methodName></methodCall>",
    "<methodResponse><params><param><value><array><data><value><int>5</int></value></data></array></value></param></params></methodResponse>",
    "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>4</int></value></member><member><name>faultString</name><value><string>x</string></value></member></struct></value></fault></methodResponse>",
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Duplicate(usize, usize),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (
            any::<usize>(),
            prop::collection::vec(
                prop_oneof![
                    any::<u8>(),
                    Just(b'<'),
                    Just(b'>'),
                    Just(b'&'),
                    Just(b'/'),
                    Just(b';')
                ],
                1..8
            )
        )
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
    ]
}

fn apply(mut doc: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = doc.len().max(1);
        match m {
            Mutation::Flip(i, b) => {
                if !doc.is_empty() {
                    let i = i % doc.len();
                    doc[i] ^= b | 1;
                }
            }
            Mutation::Truncate(i) => doc.truncate(i % len),
            Mutation::Duplicate(i, n) => {
                let i = i % len;
                let end = (i + n).min(doc.len());
                if i < end {
                    let part = doc[i..end].to_vec();
                    doc.splice(end..end, part);
                }
            }
            Mutation::Delete(i, n) => {
                let i = i % len;
                let end = (i + n).min(doc.len());
                if i < end {
                    doc.drain(i..end);
                }
            }
            Mutation::Insert(i, v) => {
                let i = (i % len).min(doc.len());
                doc.splice(i..i, v.iter().copied());
            }
        }
    }
    doc
}

/// Runs every reader over `doc`; only panics count as failures.
fn exercise(doc: &[u8]) {
    let config = Config::default().max_depth(16);
    if let Ok(call) = parse_call(doc, &config) {
        let _ = call.params.into_values();
    }
    if let Ok(mut call) = parse_call(doc, &config) {
        let _ = call.params.next::<Value>();
        let _ = call.params.next_opt::<(f64,)>();
        let _ = call.params.next::<Option<String>>();
        let _ = call.params.finish();
    }
    let _ = parse_response::<Value>(doc, &config);
    let _ = parse_response::<Vec<i32>>(doc, &config);
    let _ = from_slice::<Value>(doc);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(doc in prop::collection::vec(any::<u8>(), 0..512)) {
        exercise(&doc);
    }

    #[test]
    fn mutated_messages_never_panic(
        seed in 0..SEEDS.len(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let doc = apply(SEEDS[seed].as_bytes().to_vec(), &mutations);
        exercise(&doc);
    }

    #[test]
    fn markup_soup_never_panics(parts in prop::collection::vec(prop_oneof![
        Just("<value>"), Just("</value>"), Just("<array>"), Just("</array>"), Just("<data>"),
        Just("</data>"), Just("<struct>"), Just("</struct>"), Just("<member>"), Just("</member>"),
        Just("<name>"), Just("</name>"), Just("<int>"), Just("</int>"), Just("<nil/>"), Just("1"),
        Just("x"), Just(" "), Just("&amp;"), Just("<value/>"), Just("<string>"), Just("</string>"),
    ], 0..40)) {
        let body: String = parts.concat();
        let doc = format!("<methodCall><methodName>m</methodName><params><param>{body}</param></params></methodCall>");
        exercise(doc.as_bytes());
        exercise(body.as_bytes());
    }
}

#[test]
fn seeds_are_valid() {
    let config = Config::default();
    assert_eq!(
        parse_call(SEEDS[0].as_bytes(), &config)
            .unwrap()
            .params
            .into_values()
            .unwrap()
            .len(),
        5
    );
    assert!(
        parse_call(SEEDS[1].as_bytes(), &config)
            .unwrap()
            .params
            .into_values()
            .unwrap()
            .is_empty()
    );
    assert!(
        parse_response::<Value>(SEEDS[2].as_bytes(), &config)
            .unwrap()
            .is_ok()
    );
    assert!(
        parse_response::<Value>(SEEDS[3].as_bytes(), &config)
            .unwrap()
            .is_err()
    );
}
