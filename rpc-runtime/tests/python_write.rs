//! What this crate writes, Python's `xmlrpc.client.loads` reads back as the same values.
//!
//! Hundreds of random values (a seeded generator: print the seed, replay it with
//! `RPC_PYTHON_SEED=<n>`) are written as responses, calls and faults, read by one `python3`
//! process per batch (`tests/python/read_canonical.py`), and compared in a canonical text
//! form built independently on each side.

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rpc_runtime::{
    Binary, CallWriter, Config, DateTime, Fault, Struct, Value, encode_fault, encode_response,
};
use serde::Serialize;

/// SplitMix64: small, seedable, good enough to spread test values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(u64::from(hi - lo) + 1) as u32
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A character XML 1.0 can carry, weighted towards the ones that need care.
fn xml_char(rng: &mut Rng) -> char {
    let c = match rng.below(100) {
        0..30 => rng.range(0x20, 0x7E),
        30..42 => {
            let special = ['<', '>', '&', '"', '\'', ']', '\r', '\n', '\t', ' '];
            return special[rng.below(special.len() as u64) as usize];
        }
        42..60 => rng.range(0x80, 0x7FF),
        60..75 => rng.range(0x800, 0xD7FF),
        75..85 => rng.range(0xE000, 0xFFFD),
        _ => rng.range(0x10000, 0x10FFFF),
    };
    char::from_u32(c).expect("ranges avoid surrogates")
}

fn string(rng: &mut Rng) -> String {
    let len = match rng.below(10) {
        0 => 0,
        1..8 => rng.below(12),
        _ => rng.below(200),
    };
    (0..len).map(|_| xml_char(rng)).collect()
}

fn double(rng: &mut Rng) -> f64 {
    const EDGES: [f64; 12] = [
        0.0,
        -0.0,
        1e16,
        5e-324,
        1.7976931348623157e308,
        -1.7976931348623157e308,
        2.2250738585072014e-308,
        0.1,
        1.0,
        -12.214,
        1e-7,
        1000000000000000.5,
    ];
    match rng.below(3) {
        0 => EDGES[rng.below(EDGES.len() as u64) as usize],
        1 => (rng.next() as i64 as f64) / 1024.0,
        _ => loop {
            let d = f64::from_bits(rng.next());
            if d.is_finite() {
                break d;
            }
        },
    }
}

fn datetime(rng: &mut Rng) -> DateTime {
    loop {
        // Python's datetime starts at year 1 and has no leap second.
        let dt = DateTime::new(
            rng.range(1, 9999) as u16,
            rng.range(1, 12) as u8,
            rng.range(1, 31) as u8,
            rng.range(0, 23) as u8,
            rng.range(0, 59) as u8,
            rng.range(0, 59) as u8,
        );
        if let Some(dt) = dt {
            return dt;
        }
    }
}

fn value(rng: &mut Rng, depth: u32) -> Value {
    let kinds = if depth >= 4 { 9 } else { 11 };
    match rng.below(kinds) {
        0 => Value::Int(rng.next() as i32),
        1 => {
            // Mostly beyond 32 bits, sometimes small: <i8> either way.
            let v = rng.next() as i64;
            Value::Long(if rng.chance(20) { v % 1000 } else { v })
        }
        2 => Value::Bool(rng.chance(50)),
        3 | 4 => Value::String(string(rng)),
        5 => Value::Double(double(rng)),
        6 => Value::DateTime(datetime(rng)),
        7 => Value::Binary((0..rng.below(80)).map(|_| rng.next() as u8).collect()),
        8 => Value::Nil,
        9 => Value::Array((0..rng.below(6)).map(|_| value(rng, depth + 1)).collect()),
        _ => {
            let mut s = Struct::new();
            for _ in 0..rng.below(6) {
                s.insert(string(rng), value(rng, depth + 1));
            }
            Value::Struct(s)
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The canonical form the Python script prints for the value Python reads.
fn canon(v: &Value, out: &mut String) {
    match v {
        Value::Int(i) => {
            let _ = write!(out, "i:{i}");
        }
        Value::Long(i) => {
            let _ = write!(out, "i:{i}");
        }
        Value::Bool(b) => {
            let _ = write!(out, "b:{}", u8::from(*b));
        }
        Value::String(s) => {
            let _ = write!(out, "s:{}", hex(s.as_bytes()));
        }
        Value::Double(d) => {
            let _ = write!(out, "d:{:016x}", d.to_bits());
        }
        Value::DateTime(d) => {
            let _ = write!(
                out,
                "t:{:04}{:02}{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                d.hour(),
                d.minute(),
                d.second()
            );
        }
        Value::Binary(b) => {
            let _ = write!(out, "x:{}", hex(b));
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canon(item, out);
            }
            out.push(']');
        }
        Value::Struct(s) => {
            out.push('{');
            for (i, (k, item)) in s.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&hex(k.as_bytes()));
                out.push('=');
                canon(item, out);
            }
            out.push('}');
        }
        Value::Nil => out.push('n'),
    }
}

fn canon_params(values: &[Value]) -> String {
    let mut out = String::from("[");
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        canon(v, &mut out);
    }
    out.push(']');
    out
}

/// A typed record: the serde path (derive, rename, skip, Option, enum, bytes, DateTime).
#[derive(Serialize)]
struct Record {
    #[serde(rename = "Name")]
    name: String,
    count: i64,
    ratio: f64,
    small: u16,
    when: DateTime,
    #[serde(with = "serde_bytes")]
    blob: Vec<u8>,
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maybe: Option<i32>,
    kind: Kind,
    pair: (bool, char),
}

#[derive(Serialize)]
enum Kind {
    Plain,
    Sized(u32),
    Point { x: i8, y: i8 },
}

fn record(rng: &mut Rng) -> (Record, Value) {
    let r = Record {
        name: string(rng),
        count: rng.next() as i64,
        ratio: double(rng),
        small: rng.next() as u16,
        when: datetime(rng),
        blob: (0..rng.below(40)).map(|_| rng.next() as u8).collect(),
        tags: (0..rng.below(4)).map(|_| string(rng)).collect(),
        maybe: rng.chance(50).then(|| rng.next() as i32),
        kind: match rng.below(3) {
            0 => Kind::Plain,
            1 => Kind::Sized(rng.next() as u32),
            _ => Kind::Point {
                x: rng.next() as i8,
                y: rng.next() as i8,
            },
        },
        pair: (rng.chance(50), xml_char(rng)),
    };
    // What Python must read, built by hand from the fields.
    let one = |k: &str, v: Value| Value::Struct([(k, v)].into_iter().collect());
    let mut s = Struct::new();
    s.insert("Name", Value::String(r.name.clone()));
    s.insert("count", Value::Long(r.count));
    s.insert("ratio", Value::Double(r.ratio));
    s.insert("small", Value::Int(i32::from(r.small)));
    s.insert("when", Value::DateTime(r.when));
    s.insert("blob", Value::Binary(r.blob.clone()));
    s.insert(
        "tags",
        Value::Array(r.tags.iter().cloned().map(Value::String).collect()),
    );
    if let Some(m) = r.maybe {
        s.insert("maybe", Value::Int(m));
    }
    let kind = match &r.kind {
        Kind::Plain => Value::String("Plain".into()),
        Kind::Sized(n) => one("Sized", Value::Long(i64::from(*n))),
        Kind::Point { x, y } => one(
            "Point",
            Value::Struct(
                [
                    ("x", Value::Int(i32::from(*x))),
                    ("y", Value::Int(i32::from(*y))),
                ]
                .into_iter()
                .collect(),
            ),
        ),
    };
    s.insert("kind", kind);
    s.insert(
        "pair",
        Value::Array(vec![
            Value::Bool(r.pair.0),
            Value::String(r.pair.1.to_string()),
        ]),
    );
    (r, Value::Struct(s))
}

/// A string for a fault, sometimes with characters XML cannot carry, and what Python must
/// read for it (those characters replaced with U+FFFD).
fn fault_string(rng: &mut Rng) -> (String, String) {
    let mut sent = String::new();
    let mut read = String::new();
    for _ in 0..rng.below(30) {
        if rng.chance(15) {
            let bad = [
                '\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{1F}', '\u{FFFE}', '\u{FFFF}',
            ];
            sent.push(bad[rng.below(bad.len() as u64) as usize]);
            read.push('\u{FFFD}');
        } else {
            let c = xml_char(rng);
            sent.push(c);
            read.push(c);
        }
    }
    (sent, read)
}

/// Runs the Python reader over `docs` in one process, bounded by a timeout.
fn python_read(docs: &[Vec<u8>]) -> Vec<String> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/read_canonical.py"
    );
    let mut input = Vec::new();
    for d in docs {
        input.extend_from_slice(format!("{}\n", d.len()).as_bytes());
        input.extend_from_slice(d);
    }
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 must be installed to run this test");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for python3") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("python3 did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    writer.join().expect("writer thread");
    let out = reader.join().expect("reader thread");
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    assert!(status.success(), "python3 failed: {status}\n{err}");
    out.lines().map(str::to_owned).collect()
}

fn seed() -> u64 {
    match std::env::var("RPC_PYTHON_SEED") {
        Ok(s) => s.parse().expect("RPC_PYTHON_SEED must be a number"),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1),
    }
}

/// Edge cases every run carries, besides the random ones.
fn fixed_values() -> Vec<Value> {
    let mut v: Vec<Value> = [
        "",
        "<&>]]>",
        "a\r\nb\rc\n",
        "\u{FFFD}",
        "😀\u{10FFFF}",
        "\"quote\" 'apos'",
        " padded ",
        "\t",
    ]
    .into_iter()
    .map(|s| Value::String(s.into()))
    .collect();
    v.extend(
        [
            0.0,
            -0.0,
            1e16,
            5e-324,
            1.7976931348623157e308,
            0.1,
            1e300,
            -1e-300,
        ]
        .map(Value::Double),
    );
    v.extend([
        Value::Int(i32::MIN),
        Value::Int(i32::MAX),
        Value::Long(i64::MIN),
        Value::Long(i64::MAX),
        Value::Long(0),
        Value::Binary(vec![]),
        Value::Array(vec![]),
        Value::Struct(Struct::new()),
        Value::DateTime(DateTime::new(5, 1, 2, 3, 4, 5).expect("valid")),
    ]);
    v
}

#[test]
fn python_reads_what_we_write() {
    let seed = seed();
    println!("seed {seed} (replay with RPC_PYTHON_SEED={seed})");
    let mut rng = Rng(seed);
    let config = Config::DEFAULT;
    let mut docs: Vec<Vec<u8>> = Vec::new();
    let mut expected: Vec<String> = Vec::new();
    let mut describe: Vec<String> = Vec::new();

    // Responses: the fixed edge cases, then random values.
    let values: Vec<Value> = fixed_values()
        .into_iter()
        .chain((0..400).map(|_| value(&mut rng, 1)))
        .collect();
    for v in &values {
        docs.push(encode_response(v, &config).expect("writable"));
        expected.push(format!("R {}", canon_params(std::slice::from_ref(v))));
        describe.push(format!("response {v:?}"));
    }

    // Calls of 0 to 4 params, with random method names.
    for _ in 0..150 {
        let name = if rng.chance(50) {
            "sample.add_2:x/y".to_owned()
        } else {
            // Any non-empty string XML can carry.
            let mut s = string(&mut rng);
            s.push(xml_char(&mut rng));
            s
        };
        let params: Vec<Value> = (0..rng.below(5)).map(|_| value(&mut rng, 1)).collect();
        let mut call = CallWriter::new(&name).expect("writable name");
        for p in &params {
            call.param(p, &config).expect("writable");
        }
        docs.push(call.finish());
        expected.push(format!(
            "C {} {}",
            hex(name.as_bytes()),
            canon_params(&params)
        ));
        describe.push(format!("call {name:?} {params:?}"));
    }

    // Typed records through serde.
    for _ in 0..100 {
        let (r, want) = record(&mut rng);
        let mut call = CallWriter::new("record").expect("writable name");
        call.param(&r, &config).expect("writable");
        call.param(&Binary::new(r.blob.clone()), &config)
            .expect("writable");
        docs.push(call.finish());
        let blob = Value::Binary(r.blob.clone());
        expected.push(format!(
            "C {} {}",
            hex(b"record"),
            canon_params(&[want.clone(), blob])
        ));
        describe.push(format!("record {want:?}"));
    }

    // Faults, some with characters XML cannot carry.
    for _ in 0..50 {
        let code = rng.next() as i32;
        let (sent, read) = fault_string(&mut rng);
        docs.push(encode_fault(&Fault::new(code, sent.clone())));
        expected.push(format!("F {code} {}", hex(read.as_bytes())));
        describe.push(format!("fault {code} {sent:?}"));
    }

    let got = python_read(&docs);
    assert_eq!(
        got.len(),
        docs.len(),
        "python printed {} lines for {} documents (seed {seed})",
        got.len(),
        docs.len()
    );
    let mut failures = 0;
    for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
        if g != e {
            failures += 1;
            if failures <= 5 {
                eprintln!(
                    "document {i}: {}\n  xml:      {}\n  expected: {e}\n  python:   {g}",
                    describe[i],
                    String::from_utf8_lossy(&docs[i])
                );
            }
        }
    }
    assert_eq!(
        failures,
        0,
        "{failures} of {} documents read differently by Python (seed {seed})",
        docs.len()
    );
}
