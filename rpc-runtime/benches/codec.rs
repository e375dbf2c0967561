//! Codec speed against a bare quick-xml event walk over the same document.
//!
//! Measures, on `medium.xml` (a 56 KB `echo` call: an array of 100 structs as Python writes
//! it) and `small.xml` (`add(5, 10)`):
//!
//! * (a) `baseline`: `quick_xml::Reader::from_reader(bytes)`, `read_event()` until `Eof`
//!   (with the quick-xml release this crate reads with);
//! * (b) `read_typed`: `parse_call` + `Params::next::<Vec<Item>>()` + `finish()`;
//! * (c) `read_value`: `parse_call` + `Params::next::<Value>()` + `finish()`;
//! * (d) `write_typed`: the same items written with `CallWriter`;
//! * (e) `write_value`: the same data as a `Value` written with `CallWriter`.
//!
//! After criterion's report it times each case again with a plain loop, in batches
//! alternating with the baseline so both see the same machine load, and prints the median
//! ratio to the baseline. Arguments filter by name as in criterion
//! (`cargo bench --bench codec -- write`).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::Criterion;
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use rpc_runtime::{CallWriter, Config, Value, parse_call, to_value};
use serde::{Deserialize, Serialize};

/// One struct of `medium.xml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    name: String,
    id: i32,
    score: f64,
    tags: Vec<String>,
    active: bool,
}

/// The items `medium.xml` holds, built in code: the bench checks the reader gives the same.
fn medium_items() -> Vec<Item> {
    (0..100)
        .map(|i: i32| Item {
            name: format!("user-{i:03} <Lovelace & Babbage>"),
            id: 100_000 + 7 * i,
            score: format!("{:.2}", 0.25 + 1.37 * f64::from(i))
                .parse()
                .expect("a number"),
            tags: vec![
                format!("tag-{}", i % 5),
                "xml-rpc".to_owned(),
                format!("group-{}", i % 3),
            ],
            active: i % 2 == 0,
        })
        .collect()
}

/// A bench input, from `benches/data/`.
fn load(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("benches/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path:?}: {e}"))
}

fn baseline(xml: &[u8]) -> usize {
    let mut reader = Reader::from_reader(xml);
    let mut n = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(_) => n += 1,
            Err(e) => panic!("baseline walk failed: {e}"),
        }
    }
    n
}

fn read_typed(xml: &[u8]) -> Vec<Item> {
    let call = parse_call(xml, &Config::DEFAULT).expect("a call");
    let mut params = call.params;
    let items: Vec<Item> = params.next().expect("items");
    params.finish().expect("one param");
    items
}

fn read_value(xml: &[u8]) -> Value {
    let call = parse_call(xml, &Config::DEFAULT).expect("a call");
    let mut params = call.params;
    let value: Value = params.next().expect("a value");
    params.finish().expect("one param");
    value
}

fn write<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut call = CallWriter::new("echo").expect("a name");
    call.param(value, &Config::DEFAULT).expect("writable");
    call.finish()
}

fn read_small(xml: &[u8]) -> (i32, i32) {
    let call = parse_call(xml, &Config::DEFAULT).expect("a call");
    let mut params = call.params;
    let a: i32 = params.next().expect("a");
    let b: i32 = params.next().expect("b");
    params.finish().expect("two params");
    (a, b)
}

fn write_small() -> Vec<u8> {
    let mut call = CallWriter::new("add").expect("a name");
    call.param(&5, &Config::DEFAULT).expect("writable");
    call.param(&10, &Config::DEFAULT).expect("writable");
    call.finish()
}

struct Inputs {
    medium: Vec<u8>,
    small: Vec<u8>,
    items: Vec<Item>,
    value: Value,
}

type Case = (&'static str, Box<dyn Fn(&Inputs)>);

fn cases() -> Vec<Case> {
    vec![
        (
            "medium/a_baseline",
            Box::new(|i: &Inputs| {
                black_box(baseline(black_box(&i.medium)));
            }),
        ),
        (
            "medium/b_read_typed",
            Box::new(|i: &Inputs| {
                black_box(read_typed(black_box(&i.medium)));
            }),
        ),
        (
            "medium/c_read_value",
            Box::new(|i: &Inputs| {
                black_box(read_value(black_box(&i.medium)));
            }),
        ),
        (
            "medium/d_write_typed",
            Box::new(|i: &Inputs| {
                black_box(write(black_box(&i.items)));
            }),
        ),
        (
            "medium/e_write_value",
            Box::new(|i: &Inputs| {
                black_box(write(black_box(&i.value)));
            }),
        ),
        (
            "small/a_baseline",
            Box::new(|i: &Inputs| {
                black_box(baseline(black_box(&i.small)));
            }),
        ),
        (
            "small/b_read_typed",
            Box::new(|i: &Inputs| {
                black_box(read_small(black_box(&i.small)));
            }),
        ),
        (
            "small/d_write_typed",
            Box::new(|_: &Inputs| {
                black_box(write_small());
            }),
        ),
    ]
}

/// Calls per batch of about 10 ms.
fn batch_size(f: &dyn Fn(&Inputs), inputs: &Inputs) -> u64 {
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < Duration::from_millis(50) {
        f(inputs);
        calls += 1;
    }
    (calls / 5).max(1)
}

/// Nanoseconds per call over one batch.
fn batch(f: &dyn Fn(&Inputs), inputs: &Inputs, n: u64) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        f(inputs);
    }
    t.elapsed().as_nanos() as f64 / n as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Times `f` against `base` in alternating batches, so both see the same machine load:
/// the median time per call of `f`, and the median of the per-round ratios.
fn time_against(f: &dyn Fn(&Inputs), base: &dyn Fn(&Inputs), inputs: &Inputs) -> (f64, f64) {
    let (nf, nb) = (batch_size(f, inputs), batch_size(base, inputs));
    let mut times = Vec::new();
    let mut ratios = Vec::new();
    for _ in 0..31 {
        let b = batch(base, inputs, nb);
        let t = batch(f, inputs, nf);
        times.push(t);
        ratios.push(t / b);
    }
    (median(times), median(ratios))
}

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    // Criterion reads the filter as a regex; alternatives with `|` are all this loop needs.
    let wanted = |name: &str| {
        filter
            .as_deref()
            .is_none_or(|f| f.split('|').any(|alt| name.contains(alt)))
    };

    let items = medium_items();
    let inputs = Inputs {
        medium: load("medium.xml"),
        small: load("small.xml"),
        value: to_value(&items).expect("items convert"),
        items,
    };
    if wanted("read") {
        // The reader must see exactly the data the writers write.
        assert_eq!(
            read_typed(&inputs.medium),
            inputs.items,
            "medium.xml holds other items"
        );
        assert_eq!(read_value(&inputs.medium), inputs.value);
        assert_eq!(read_small(&inputs.small), (5, 10));
    }

    let cases = cases();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    for (name, f) in &cases {
        c.bench_function(name, |b| b.iter(|| f(&inputs)));
    }
    c.final_summary();

    println!("\nplain loop, alternating batches with the quick-xml walk of the same file:");
    println!(
        "  {:<22} {:>12}   ratio to the walk (median of 31 rounds)",
        "case", "ns per call"
    );
    for (name, f) in &cases {
        if !wanted(name) {
            continue;
        }
        let group = name.split('/').next().unwrap_or("");
        let base = cases
            .iter()
            .find(|(n, _)| n.starts_with(group) && n.ends_with("a_baseline"))
            .map(|(_, b)| b.as_ref())
            .expect("every group has a baseline");
        let (ns, ratio) = time_against(f.as_ref(), base, &inputs);
        // The baseline against itself shows how noisy the machine is.
        let note = if name.ends_with("a_baseline") {
            "   (noise check: ideally 1.000x)"
        } else {
            ""
        };
        println!("  {name:<22} {ns:>12.0}   {ratio:>6.3}x{note}");
    }
}
