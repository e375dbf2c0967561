//! Cross-check against Python's marshaller: random values written by
//! `xmlrpc.client.dumps(..., methodresponse=True, allow_none=True)` must read back as the
//! values Python describes (wire research, test C3).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rpc_runtime::{Config, DateTime, Struct, Value, parse_response};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/gen_values.py");

/// Runs the generator, killing it if it takes longer than `limit`.
fn generate(seed: u64, count: usize, limit: Duration) -> String {
    let mut child = Command::new("python3")
        .arg(SCRIPT)
        .arg(seed.to_string())
        .arg(count.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 must be installed for this test");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        stdout.read_to_string(&mut out).map(|_| out)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for python3") {
            break status;
        }
        if start.elapsed() > limit {
            child.kill().expect("kill python3");
            child.wait().expect("reap python3");
            panic!("python3 did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        stderr.read_to_string(&mut err).ok();
    }
    assert!(status.success(), "python3 failed: {status}\n{err}");
    reader
        .join()
        .expect("reader thread")
        .expect("read python3 output")
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn parse_desc<'a>(tokens: &mut impl Iterator<Item = &'a str>) -> Value {
    let tok = tokens.next().expect("a value token");
    let (kind, rest) = tok.split_once(':').unwrap_or((tok, ""));
    match kind {
        "i" => Value::Int(rest.parse().expect("int")),
        "b" => Value::Bool(rest == "1"),
        "s" => Value::String(String::from_utf8(unhex(rest)).expect("utf-8")),
        "d" => Value::Double(rest.parse().expect("double")),
        "t" => Value::DateTime(DateTime::parse(rest).expect("datetime")),
        "x" => Value::Binary(unhex(rest)),
        "n" => Value::Nil,
        "a" => {
            let n: usize = rest.parse().expect("count");
            Value::Array((0..n).map(|_| parse_desc(tokens)).collect())
        }
        "m" => {
            let n: usize = rest.parse().expect("count");
            let mut s = Struct::new();
            for _ in 0..n {
                let key = String::from_utf8(unhex(tokens.next().expect("key"))).expect("utf-8");
                let value = parse_desc(tokens);
                assert!(
                    s.insert(key, value).is_none(),
                    "duplicate key in description"
                );
            }
            Value::Struct(s)
        }
        other => panic!("unknown token {other}"),
    }
}

/// Equality that tells `-0.0` from `0.0`.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Struct(x), Value::Struct(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((kp, vp), (kq, vq))| kp == kq && same(vp, vq))
        }
        _ => a == b,
    }
}

fn check(seed: u64, count: usize) {
    let out = generate(seed, count, Duration::from_secs(60));
    let mut n = 0;
    for line in out.lines() {
        let (xml_hex, desc) = line.split_once(' ').expect("a record");
        let xml = unhex(xml_hex);
        let expected = parse_desc(&mut desc.split(' '));
        let got = parse_response::<Value>(&xml, &Config::default())
            .unwrap_or_else(|e| panic!("seed {seed}: {e}\n{}", String::from_utf8_lossy(&xml)))
            .unwrap_or_else(|f| panic!("seed {seed}: unexpected fault {f}"));
        assert!(
            same(&got, &expected),
            "seed {seed}:\n{}\ngot      {got:?}\nexpected {expected:?}",
            String::from_utf8_lossy(&xml)
        );
        n += 1;
    }
    assert_eq!(n, count, "seed {seed}: python wrote {n} of {count} values");
}

#[test]
fn python_dumps_read_back() {
    // One seed fixed for reproducibility, one new each run (printed, and settable with
    // RPC_TEST_SEED to replay a failure).
    check(20_261_127, 300);
    let seed = std::env::var("RPC_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(1)
        });
    println!("RPC_TEST_SEED={seed}");
    check(seed, 300);
}
