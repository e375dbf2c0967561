//! Hostile input (robustness research, tests A1 to A18): every case ends in a clear error,
//! never a panic, unbounded work, recursion past the limit or I/O.

use std::net::TcpListener;

use rpc_runtime::de::from_slice_with_config;
use rpc_runtime::{Config, ErrorKind, Fault, Value, from_slice, parse_call, parse_response};
use serde::Deserialize;

fn call_values(xml: &[u8], config: &Config) -> rpc_runtime::Result<Vec<Value>> {
    let call = parse_call(xml, config)?;
    call.params.into_values()
}

fn call_with(param: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params><param>{param}</param></params></methodCall>"
    )
}

const BILLION_LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<methodCall><methodName>&lol9;</methodName></methodCall>"#;

#[test]
fn a1_billion_laughs() {
    let e = parse_call(BILLION_LAUGHS.as_bytes(), &Config::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax, "{e}");
    assert!(e.to_string().contains("DOCTYPE"), "{e}");
}

#[test]
fn a2_quadratic_blowup() {
    let entity = "x".repeat(100_000);
    let refs = "&a;".repeat(30_000);
    let xml = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY a \"{entity}\">]><methodCall><methodName>m</methodName><params><param><value>{refs}</value></param></params></methodCall>"
    );
    let e = call_values(xml.as_bytes(), &Config::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
    // Without the DOCTYPE the reference is simply undefined.
    let xml = call_with(&format!("<value>{}</value>", "&a;".repeat(30_000)));
    let e = call_values(xml.as_bytes(), &Config::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert!(e.to_string().contains("undefined entity"), "{e}");
}

#[test]
fn a3_external_entities_do_no_io() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    for system in [
        "file:///etc/passwd".to_owned(),
        format!("http://127.0.0.1:{port}/"),
    ] {
        let xml = format!(
            "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"{system}\">]><methodCall><methodName>m</methodName><params><param><value>&x;</value></param></params></methodCall>"
        );
        let e = call_values(xml.as_bytes(), &Config::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Syntax);
        assert!(!e.to_string().contains("root:"), "{e}");
    }
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the parser connected: {other:?}"),
    }
}

#[test]
fn a4_doctype_pi_and_declarations() {
    let body = "<methodCall><methodName>m</methodName></methodCall>";
    for xml in [
        format!("<!DOCTYPE methodCall>{body}"),
        format!("<?xml-stylesheet href='x'?>{body}"),
        format!("{body}<?pi x?>"),
        format!("\n<?xml version='1.0'?>{body}"),
        format!("<!-- c --><?xml version='1.0'?>{body}"),
        format!("{body}<?xml version='1.0'?>"),
        format!("<?xml version='1.0' encoding='ISO-8859-1'?>{body}"),
        format!("<?xml version='1.0' encoding='UTF-16'?>{body}"),
    ] {
        let e = call_values(xml.as_bytes(), &Config::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Syntax, "{xml}: {e}");
    }
    for xml in [
        format!("<?xml version='1.0' encoding='UTF-8'?>{body}"),
        format!("<?xml version=\"1.0\" encoding=\"us-ascii\"?>\n{body}\n"),
        format!("\u{feff}<?xml version='1.0'?>{body}"),
        format!("<!-- lead -->{body}<!-- trail -->"),
    ] {
        call_values(xml.as_bytes(), &Config::default()).unwrap_or_else(|e| panic!("{xml}: {e}"));
    }
}

#[test]
fn a5_bad_references_and_characters() {
    for text in [
        "&foo;",
        "&lt ;",
        "AT&T",
        "&",
        "&#0;",
        "&#1;",
        "&#x8;",
        "&#xB;",
        "&#x1F;",
        "&#xD800;",
        "&#xFFFE;",
        "&#xFFFF;",
        "&#x110000;",
        "&#99999999999;",
        "&#xZZ;",
        "&#;",
        "a\u{1}b",
        "a\u{0}b",
        "a\u{b}b",
        "a\u{1f}b",
        "a\u{fffe}b",
        "a\u{ffff}b",
    ] {
        let xml = call_with(&format!("<value><string>{text}</string></value>"));
        let e = call_values(xml.as_bytes(), &Config::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Syntax, "{text:?}: {e}");
        assert!(e.offset().is_some());
    }
    // The same characters are also refused in names, comments and CDATA.
    for xml in [
        "<value><struct><member><name>a\u{1}</name><value/></member></struct></value>",
        "<value><!-- \u{1} --></value>",
        "<value><![CDATA[\u{1}]]></value>",
    ] {
        let e = from_slice::<Value>(xml.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Syntax, "{xml:?}: {e}");
    }
}

#[test]
fn a6_references_split_across_events() {
    let xml = call_with(
        "<value><string>x&lt;&gt;&amp;&apos;&quot;&#65;&#x1F600;y&#13;<![CDATA[&amp;]]>z</string></value>",
    );
    let values = call_values(xml.as_bytes(), &Config::default()).unwrap();
    assert_eq!(values, vec![Value::String("x<>&'\"A😀y\r&amp;z".into())]);
    let only_ref = call_with("<value>&amp;</value>");
    assert_eq!(
        call_values(only_ref.as_bytes(), &Config::default()).unwrap(),
        vec![Value::String("&".into())]
    );
}

/// `depth` nested values: arrays around an int at the innermost level.
fn nested(depth: usize) -> String {
    let mut s = String::new();
    for _ in 1..depth {
        s.push_str("<value><array><data>");
    }
    s.push_str("<value><int>1</int></value>");
    for _ in 1..depth {
        s.push_str("</data></array></value>");
    }
    s
}

#[test]
fn a7_a8_depth_limit() {
    for limit in [1usize, 5, 64] {
        let config = Config::default().max_depth(limit);
        let ok = call_with(&nested(limit));
        call_values(ok.as_bytes(), &config).unwrap_or_else(|e| panic!("{limit}: {e}"));
        let mut call = parse_call(ok.as_bytes(), &config).unwrap();
        call.params.next::<serde::de::IgnoredAny>().unwrap();
        call.params.finish().unwrap();
        let deep = call_with(&nested(limit + 1));
        let e = call_values(deep.as_bytes(), &config).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit, "{limit}: {e}");
        // Ignored values and extra parameters are bounded too.
        let mut call = parse_call(deep.as_bytes(), &config).unwrap();
        assert_eq!(
            call.params
                .next::<serde::de::IgnoredAny>()
                .unwrap_err()
                .kind(),
            ErrorKind::Limit
        );
        let call = parse_call(deep.as_bytes(), &config).unwrap();
        assert_eq!(call.params.finish().unwrap_err().kind(), ErrorKind::Limit);
    }
    // The default is 64.
    let deep = call_with(&nested(65));
    assert_eq!(
        call_values(deep.as_bytes(), &Config::default())
            .unwrap_err()
            .kind(),
        ErrorKind::Limit
    );
    // Structs count like arrays.
    let mut s = String::from("<value><int>1</int></value>");
    for _ in 0..5 {
        s = format!("<value><struct><member><name>a</name>{s}</member></struct></value>");
    }
    let config = Config::default().max_depth(5);
    assert_eq!(
        from_slice_with_config::<Value>(s.as_bytes(), &config)
            .unwrap_err()
            .kind(),
        ErrorKind::Limit
    );
    assert!(from_slice_with_config::<Value>(s.as_bytes(), &Config::default().max_depth(6)).is_ok());
}

#[test]
fn a9_deep_nesting_on_a_small_stack() {
    let mut xml = String::from("<methodCall><methodName>m</methodName><params><param>");
    for _ in 0..100_000 {
        xml.push_str("<value><array><data>");
    }
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let typed = {
                let mut call = parse_call(xml.as_bytes(), &Config::default()).unwrap();
                call.params
                    .next::<Vec<Value>>()
                    .map(|_| ())
                    .map_err(|e| e.kind())
            };
            let values = call_values(xml.as_bytes(), &Config::default())
                .map(|_| ())
                .map_err(|e| e.kind());
            let ignored = parse_call(xml.as_bytes(), &Config::default())
                .unwrap()
                .params
                .finish()
                .map_err(|e| e.kind());
            (typed, values, ignored)
        })
        .unwrap();
    let (typed, values, ignored) = handle.join().expect("no stack overflow");
    assert_eq!(typed, Err(ErrorKind::Limit));
    assert_eq!(values, Err(ErrorKind::Limit));
    assert_eq!(ignored, Err(ErrorKind::Limit));
}

const VALID_CALL: &str = "<?xml version='1.0'?>
<methodCall>
<methodName>echo</methodName>
<params>
<param>
<value><struct>
<member>
<name>a&amp;b</name>
<value><array><data>
<value><int>12</int></value>
<value>untyped</value>
<value><base64>
eW91IGNhbid0IHJlYWQgdGhpcyE=
</base64></value>
<value><nil/></value>
</data></array></value>
</member>
</struct></value>
</param>
<param>
<value><double>1.5</double></value>
</param>
</params>
</methodCall>
";

#[test]
fn a10_every_prefix_fails() {
    let config = Config::default();
    let full = VALID_CALL.as_bytes();
    assert_eq!(call_values(full, &config).unwrap().len(), 2);
    let end = VALID_CALL.find("</methodCall>").unwrap() + "</methodCall>".len();
    for cut in 0..end {
        let prefix = &full[..cut];
        assert!(
            call_values(prefix, &config).is_err(),
            "prefix of {cut} bytes was accepted"
        );
        // Also typed, and through finish.
        if let Ok(mut call) = parse_call(prefix, &config) {
            let r = call
                .params
                .next::<Value>()
                .and_then(|_| call.params.next::<f64>())
                .and_then(|_| call.params.finish());
            assert!(r.is_err(), "prefix of {cut} bytes was accepted");
        }
    }
}

#[test]
fn a11_structure_violations() {
    let config = Config::default();
    let cases = [
        (
            "<methodCall><methodName>m</methodName></methodCall><methodCall/>",
            ErrorKind::Syntax,
        ),
        (
            "<methodCall><methodName>m</methodName></methodCall>trailing",
            ErrorKind::Syntax,
        ),
        (
            "<methodCall>text<methodName>m</methodName></methodCall>",
            ErrorKind::Invalid,
        ),
        (
            "<methodCall><methodName>m</methodName>text</methodCall>",
            ErrorKind::Invalid,
        ),
        (
            "<methodCall><methodName>m</methodName><params>x<param><value/></param></params></methodCall>",
            ErrorKind::Invalid,
        ),
        (
            "<methodCall><methodName a='1'>m</methodName></methodCall>",
            ErrorKind::Invalid,
        ),
        (
            "<methodCall><methodName>m</methodName><params><param><value><int x=\"1\">1</int></value></param></params></methodCall>",
            ErrorKind::Invalid,
        ),
        (
            "<methodCall><methodName>m</methodName><foo/></methodCall>",
            ErrorKind::Invalid,
        ),
        (
            "<methodCall><methodName>m</methodName><params><param><value><ex:serializable>rO0=</ex:serializable></value></param></params></methodCall>",
            ErrorKind::Invalid,
        ),
        (
            "<methodCall><methodName>m</methodName><params><param><value><ex:dom><x/></ex:dom></value></param></params></methodCall>",
            ErrorKind::Invalid,
        ),
        (
            "<methodCall><methodName>m</methodName><params><param></param></params></methodCall>",
            ErrorKind::Invalid,
        ),
        (
            "<methodCall><methodName>m</methodName><params><param><value/><value/></param></params></methodCall>",
            ErrorKind::Invalid,
        ),
        (
            "<methodCall><methodName>m</methodName><params><value/></params></methodCall>",
            ErrorKind::Invalid,
        ),
        (
            "<methodCall><methodName>m</methodName><params/><params/></methodCall>",
            ErrorKind::Invalid,
        ),
        ("<foo/>", ErrorKind::Invalid),
        ("<value/>", ErrorKind::Invalid),
        ("", ErrorKind::Syntax),
        ("   ", ErrorKind::Syntax),
        (
            "<methodCall><methodName>m</methodName></wrong>",
            ErrorKind::Syntax,
        ),
    ];
    for (xml, kind) in cases {
        let e = call_values(xml.as_bytes(), &config).unwrap_err();
        assert_eq!(e.kind(), kind, "{xml}: {e}");
    }
    // Namespace declarations are the one kind of attribute allowed (Apache declares `ex`).
    let apache = "<methodCall xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\"><methodName>m</methodName><params><param><value><ex:i8>5</ex:i8></value></param></params></methodCall>";
    assert_eq!(
        call_values(apache.as_bytes(), &config).unwrap(),
        vec![Value::Long(5)]
    );
}

#[test]
fn a12_invalid_utf8() {
    let config = Config::default();
    for bytes in [
        b"<methodCall><methodName>m\xff</methodName></methodCall>".to_vec(),
        b"<methodCall><methodName>m</methodName><params><param><value>\xc3\x28</value></param></params></methodCall>".to_vec(),
        b"<methodCall><methodN\xe9ame>m</methodName></methodCall>".to_vec(),
        b"<methodCall><methodName>m</methodName><!-- \xff --></methodCall>".to_vec(),
        b"<methodCall><methodName>m</methodName><params><param><value><string>\xed\xa0\x80</string></value></param></params></methodCall>".to_vec(),
    ] {
        let e = call_values(&bytes, &config).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Syntax, "{bytes:?}: {e}");
    }
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Ab {
    a: Option<i32>,
    b: Option<i32>,
}

#[test]
fn a13_bad_members() {
    let cases = [
        "<struct><member><name>a</name><value><int>1</int></value></member><member><name>a</name><value><int>2</int></value></member></struct>",
        "<struct><member><value><int>1</int></value></member></struct>",
        "<struct><member><name>a</name><value><int>1</int></value><value><int>2</int></value></member></struct>",
        "<struct><member><name>a</name></member></struct>",
        "<struct><member><value><int>1</int></value><name>a</name></member></struct>",
        "<struct><member><name>a</name><name>b</name><value/></member></struct>",
        "<struct><member><name>a<int/></name><value/></member></struct>",
    ];
    for inner in cases {
        let xml = call_with(&format!("<value>{inner}</value>"));
        let e = call_values(xml.as_bytes(), &Config::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{inner}: {e}");
        let mut call = parse_call(xml.as_bytes(), &Config::default()).unwrap();
        let e = call.params.next::<Ab>().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{inner}: {e}");
    }
    // Duplicates are found in wide structs too (the hashed check) and in maps.
    let mut members: String = (0..100)
        .map(|i| format!("<member><name>m{i}</name><value><int>{i}</int></value></member>"))
        .collect();
    members.push_str("<member><name>m42</name><value/></member>");
    let xml = format!("<value><struct>{members}</struct></value>");
    assert_eq!(
        from_slice::<Value>(xml.as_bytes()).unwrap_err().kind(),
        ErrorKind::Invalid
    );
    assert_eq!(
        from_slice::<std::collections::HashMap<String, Value>>(xml.as_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::Invalid
    );
    // Names differing only by entity encoding are the same name.
    let xml = "<value><struct><member><name>a&amp;</name><value/></member><member><name>a&#38;</name><value/></member></struct></value>";
    assert_eq!(
        from_slice::<Value>(xml.as_bytes()).unwrap_err().kind(),
        ErrorKind::Invalid
    );
}

#[test]
fn a14_width_limits() {
    let limit = 100;
    let config = Config::default().max_members(limit).max_items(limit);
    let members = |n: usize| -> String {
        (0..n)
            .map(|i| format!("<member><name>k{i}</name><value><int>{i}</int></value></member>"))
            .collect()
    };
    let items = |n: usize| -> String {
        (0..n)
            .map(|i| format!("<value><int>{i}</int></value>"))
            .collect()
    };
    let ok = format!("<value><struct>{}</struct></value>", members(limit));
    let v: Value = from_slice_with_config(ok.as_bytes(), &config).unwrap();
    assert_eq!(v.as_struct().unwrap().len(), limit);
    let over = format!("<value><struct>{}</struct></value>", members(limit + 1));
    let e = from_slice_with_config::<Value>(over.as_bytes(), &config).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    let e = from_slice_with_config::<serde::de::IgnoredAny>(over.as_bytes(), &config).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);

    let ok = format!(
        "<value><array><data>{}</data></array></value>",
        items(limit)
    );
    let v: Vec<i32> = from_slice_with_config(ok.as_bytes(), &config).unwrap();
    assert_eq!(v.len(), limit);
    let over = format!(
        "<value><array><data>{}</data></array></value>",
        items(limit + 1)
    );
    for e in [
        from_slice_with_config::<Vec<i32>>(over.as_bytes(), &config).unwrap_err(),
        from_slice_with_config::<Value>(over.as_bytes(), &config).unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::Limit);
    }
    // The message size is checked before anything is read.
    let small = Config::default().max_size(32);
    let e = call_values(VALID_CALL.as_bytes(), &small).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    let e = parse_response::<Value>(VALID_CALL.as_bytes(), &small).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
}

#[test]
fn a16_scalars() {
    let cases: &[(&str, Option<Value>)] = &[
        ("<i4>2147483648</i4>", Some(Value::Long(2_147_483_648))),
        ("<i4>-2147483649</i4>", Some(Value::Long(-2_147_483_649))),
        ("<i4>+1</i4>", Some(Value::Int(1))),
        ("<i4> 1 </i4>", Some(Value::Int(1))),
        ("<i4>1e3</i4>", None),
        ("<i4>- 1</i4>", None),
        ("<i4>0x10</i4>", None),
        ("<i8>9223372036854775808</i8>", None),
        ("<double>NaN</double>", None),
        ("<double>inf</double>", None),
        ("<double>1e309</double>", None),
        ("<double>1,5</double>", None),
        ("<boolean>2</boolean>", None),
        ("<boolean>true</boolean>", None),
        ("<boolean>01</boolean>", None),
        (
            "<dateTime.iso8601>19981317T14:08:55</dateTime.iso8601>",
            None,
        ),
        (
            "<dateTime.iso8601>19980230T14:08:55</dateTime.iso8601>",
            None,
        ),
        ("<dateTime.iso8601></dateTime.iso8601>", None),
        ("<base64>!!!!</base64>", None),
        ("<base64>AAA</base64>", None),
    ];
    for (inner, expected) in cases {
        let xml = call_with(&format!("<value>{inner}</value>"));
        match (call_values(xml.as_bytes(), &Config::default()), expected) {
            (Ok(v), Some(e)) => assert_eq!(&v[0], e, "{inner}"),
            (Err(err), None) => assert_eq!(err.kind(), ErrorKind::Type, "{inner}: {err}"),
            (got, _) => panic!("{inner}: {got:?}"),
        }
    }
}

#[test]
fn a17_many_attributes() {
    let attrs: String = (0..200_000).map(|i| format!(" a{i}=\"{i}\"")).collect();
    let xml = format!("<methodCall{attrs}><methodName>m</methodName></methodCall>");
    let start = std::time::Instant::now();
    let e = call_values(xml.as_bytes(), &Config::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    // Not a timing assertion on speed, only a bound against quadratic work.
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    let decls: String = (0..200_000).map(|i| format!(" xmlns:a{i}=\"u\"")).collect();
    let xml = format!("<methodCall{decls} x='1'><methodName>m</methodName></methodCall>");
    let e = call_values(xml.as_bytes(), &Config::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
}

#[test]
fn a18_response_side() {
    let config = Config::default();
    let fault = |members: &str| {
        format!(
            "<methodResponse><fault><value><struct>{members}</struct></value></fault></methodResponse>"
        )
    };
    let code = "<member><name>faultCode</name><value><int>3</int></value></member>";
    let string = "<member><name>faultString</name><value>boom</value></member>";
    let cause =
        "<member><name>faultCause</name><value><base64>rO0ABXNyAA==</base64></value></member>";
    // Extra members are not interpreted, only skipped.
    let r = parse_response::<Value>(fault(&format!("{code}{cause}{string}")).as_bytes(), &config)
        .unwrap();
    assert_eq!(r, Err(Fault::new(3, "boom")));
    assert!(parse_response::<Value>(fault(string).as_bytes(), &config).is_err());
    let two = "<methodResponse><params><param><value>a</value></param><param><value>b</value></param></params></methodResponse>";
    assert_eq!(
        parse_response::<Value>(two.as_bytes(), &config)
            .unwrap_err()
            .kind(),
        ErrorKind::Invalid
    );
    for xml in [
        "<methodResponse><params><param><value>a</value></param></params><fault><value><struct/></value></fault></methodResponse>",
        "<methodResponse><fault><value><struct/></value></fault><params/></methodResponse>",
        "<methodResponse><fault></fault></methodResponse>",
        "<methodResponse><fault><value><struct/></value><value/></fault></methodResponse>",
        "<methodCall><methodName>m</methodName></methodCall>",
        "<html><body>502</body></html>",
        "",
        "<methodResponse><params><param><value>a</value></param></params></methodResponse><x/>",
        "<methodResponse><params><param><value>a</value></param></params>",
    ] {
        assert!(
            parse_response::<Value>(xml.as_bytes(), &config).is_err(),
            "{xml}"
        );
    }
    // A typed result of the wrong type carries the param path.
    let ok = "<methodResponse><params><param><value><array><data><value>x</value></data></array></value></param></params></methodResponse>";
    let e = parse_response::<Vec<i32>>(ok.as_bytes(), &config).unwrap_err();
    assert_eq!(e.path().as_deref(), Some("params[0][0]"));
}
