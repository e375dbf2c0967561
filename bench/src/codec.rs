//! Reading the same request bytes: quick-xml's event walk (no values built; with 0.41,
//! the release this framework reads with, and with 0.42, the newest), this
//! framework (typed and `Value`), and dxr (`Value`, and typed through its derive).
//!
//! Timing as in `rpc-runtime/benches/codec.rs`: each case runs in batches of about 10 ms
//! alternating with the walk, 31 rounds; the median time per call and the median of the
//! per-round ratios to the walk are reported. Times are the thread's CPU time
//! (`CLOCK_THREAD_CPUTIME_ID`), not wall time, so other processes on the core do not
//! count against a case.

use std::hint::black_box;

use dxr::TryFromValue as _;
use rpc_runtime::{Config, Value, parse_call};

use crate::payload::{Item, Workload};

/// A walk with one release of quick-xml: its event reader over the bytes, building nothing.
macro_rules! walk_with {
    ($(#[$doc:meta])* $name:ident, $qx:ident) => {
        $(#[$doc])*
        pub fn $name(xml: &[u8]) -> usize {
            let mut reader = $qx::reader::Reader::from_reader(xml);
            let mut n = 0usize;
            loop {
                match reader.read_event() {
                    Ok($qx::events::Event::Eof) => break,
                    Ok(_) => n += 1,
                    Err(e) => panic!("the walk failed: {e}"),
                }
            }
            n
        }
    };
}

walk_with!(
    /// quick-xml 0.41 (the release this framework reads with): the floor of every reader.
    walk,
    quick_xml
);
walk_with!(
    /// The same walk with quick-xml 0.42, whose reader checks every event's bytes as UTF-8.
    walk_042,
    quick_xml_042
);

/// This framework: `parse_call`, one typed parameter, `finish`.
pub fn ours_typed(xml: &[u8]) -> Vec<Item> {
    let call = parse_call(xml, &Config::DEFAULT).expect("a call");
    let mut params = call.params;
    let items: Vec<Item> = params.next().expect("items");
    params.finish().expect("one param");
    items
}

/// This framework: `parse_call`, one `Value` parameter, `finish`.
pub fn ours_value(xml: &[u8]) -> Value {
    let call = parse_call(xml, &Config::DEFAULT).expect("a call");
    let mut params = call.params;
    let value: Value = params.next().expect("a value");
    params.finish().expect("one param");
    value
}

/// This framework, the small call: two `i32` parameters.
pub fn ours_small(xml: &[u8]) -> (i32, i32) {
    let call = parse_call(xml, &Config::DEFAULT).expect("a call");
    let mut params = call.params;
    let a: i32 = params.next().expect("a");
    let b: i32 = params.next().expect("b");
    params.finish().expect("two params");
    (a, b)
}

/// dxr: its API reads `&str`, so the bytes are checked as UTF-8 first (as its server's
/// `String` body extractor does), then `MethodCall::from_xml`.
pub fn dxr_value(xml: &[u8]) -> dxr::MethodCall<'_> {
    let text = std::str::from_utf8(xml).expect("UTF-8");
    dxr::MethodCall::from_xml(text).expect("a call")
}

/// dxr, typed: [`dxr_value`] then `Vec<Item>::try_from_value` (its derive).
pub fn dxr_typed(xml: &[u8]) -> Vec<Item> {
    let call = dxr_value(xml);
    let [items] = call.params.as_slice() else {
        panic!("one parameter expected");
    };
    Vec::<Item>::try_from_value(items).expect("items")
}

/// dxr, the small call: two `i32` parameters.
pub fn dxr_small(xml: &[u8]) -> (i32, i32) {
    use dxr::TryFromParams as _;
    let call = dxr_value(xml);
    <(i32, i32)>::try_from_params(&call.params).expect("two ints")
}

/// A named case: a function of the request bytes.
pub type Case = (&'static str, Workload, fn(&[u8]));

/// Every case, the walk of each workload first.
pub fn cases() -> Vec<Case> {
    vec![
        ("walk", Workload::Medium, |x| {
            black_box(walk(black_box(x)));
        }),
        ("walk_042", Workload::Medium, |x| {
            black_box(walk_042(black_box(x)));
        }),
        ("ours_typed", Workload::Medium, |x| {
            black_box(ours_typed(black_box(x)));
        }),
        ("ours_value", Workload::Medium, |x| {
            black_box(ours_value(black_box(x)));
        }),
        ("dxr_value", Workload::Medium, |x| {
            black_box(dxr_value(black_box(x)));
        }),
        ("dxr_typed", Workload::Medium, |x| {
            black_box(dxr_typed(black_box(x)));
        }),
        ("walk", Workload::Small, |x| {
            black_box(walk(black_box(x)));
        }),
        ("walk_042", Workload::Small, |x| {
            black_box(walk_042(black_box(x)));
        }),
        ("ours_typed", Workload::Small, |x| {
            black_box(ours_small(black_box(x)));
        }),
        ("dxr_typed", Workload::Small, |x| {
            black_box(dxr_small(black_box(x)));
        }),
    ]
}

/// Checks that every reader sees the data the bench expects.
pub fn check() {
    let medium = Workload::Medium.body();
    let items = crate::payload::items(100);
    assert_eq!(
        ours_typed(&medium),
        items,
        "this framework read other items"
    );
    assert_eq!(dxr_typed(&medium), items, "dxr read other items");
    assert_eq!(
        ours_value(&medium),
        rpc_runtime::to_value(&items).expect("convertible"),
        "this framework read another value"
    );
    assert_eq!(dxr_value(&medium).params.len(), 1);
    // Both walks read the same events: they compare the two releases on equal work.
    assert_eq!(walk(&medium), walk_042(&medium), "the walks differ");
    let small = Workload::Small.body();
    assert_eq!(walk(&small), walk_042(&small), "the walks differ");
    assert_eq!(ours_small(&small), (5, 10));
    assert_eq!(dxr_small(&small), (5, 10));
}

/// Calls per batch of about 10 ms of CPU time.
fn batch_size(f: fn(&[u8]), xml: &[u8]) -> u64 {
    let start = thread_cpu_ns();
    let mut calls = 0u64;
    while thread_cpu_ns() - start < 50_000_000 {
        f(xml);
        calls += 1;
    }
    (calls / 5).max(1)
}

/// CPU time of the calling thread in nanoseconds: unlike the wall clock, it does not count
/// the time the thread waits while other processes run, so the figures hold on a busy
/// machine too.
fn thread_cpu_ns() -> u128 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    t.tv_sec as u128 * 1_000_000_000 + t.tv_nsec as u128
}

/// CPU nanoseconds per call over one batch of `n` calls.
fn batch(f: fn(&[u8]), xml: &[u8], n: u64) -> f64 {
    let t = thread_cpu_ns();
    for _ in 0..n {
        f(xml);
    }
    (thread_cpu_ns() - t) as f64 / n as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One measured case.
#[derive(Clone, Debug)]
pub struct Timing {
    /// The case's name.
    pub name: &'static str,
    /// Its workload.
    pub workload: Workload,
    /// Median nanoseconds per read.
    pub ns: f64,
    /// Median ratio to the walk of the same bytes.
    pub ratio: f64,
}

/// Times every case against the walk of its workload.
pub fn measure(rounds: usize) -> Vec<Timing> {
    check();
    let bodies = [
        (Workload::Medium, Workload::Medium.body()),
        (Workload::Small, Workload::Small.body()),
    ];
    let all = cases();
    let mut out = Vec::new();
    for &(name, workload, f) in &all {
        let xml = &bodies
            .iter()
            .find(|(w, _)| *w == workload)
            .expect("a body")
            .1;
        let base = all
            .iter()
            .find(|(n, w, _)| *n == "walk" && *w == workload)
            .expect("a walk")
            .2;
        let (nf, nb) = (batch_size(f, xml), batch_size(base, xml));
        let mut times = Vec::new();
        let mut ratios = Vec::new();
        for _ in 0..rounds {
            let b = batch(base, xml, nb);
            let t = batch(f, xml, nf);
            times.push(t);
            ratios.push(t / b);
        }
        out.push(Timing {
            name,
            workload,
            ns: median(times),
            ratio: median(ratios),
        });
    }
    out
}

/// Runs one case `iters` times: for `valgrind --tool=callgrind` (the difference between
/// two iteration counts is the cost of that many reads).
pub fn repeat(name: &str, workload: Workload, iters: u64) {
    let (_, _, f) = cases()
        .into_iter()
        .find(|(n, w, _)| *n == name && *w == workload)
        .unwrap_or_else(|| panic!("no case {name} for {}", workload.name()));
    let xml = workload.body();
    for _ in 0..iters {
        f(&xml);
    }
}
