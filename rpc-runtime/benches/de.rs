//! Reading speed of the XML-RPC decoder against a bare quick-xml event walk over the same
//! bytes: `medium.xml` is a 56 KB call holding an array of 100 structs.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use quick_xml::Reader;
use quick_xml::events::Event;
use rpc_runtime::{Config, Value, parse_call};
use serde::Deserialize;

const MEDIUM: &[u8] = include_bytes!("data/medium.xml");
const SMALL: &[u8] = include_bytes!("data/small.xml");

#[derive(Deserialize)]
#[allow(dead_code)]
struct Item {
    name: String,
    id: i32,
    score: f64,
    tags: Vec<String>,
    active: bool,
}

fn walk(xml: &[u8]) -> usize {
    let mut reader = Reader::from_reader(xml);
    let mut n = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return n,
            Ok(_) => n += 1,
            Err(e) => panic!("{e}"),
        }
    }
}

fn typed(xml: &[u8]) -> Vec<Item> {
    let mut call = parse_call(xml, &Config::DEFAULT).unwrap();
    let items: Vec<Item> = call.params.next().unwrap();
    call.params.finish().unwrap();
    items
}

fn values(xml: &[u8]) -> Vec<Value> {
    parse_call(xml, &Config::DEFAULT)
        .unwrap()
        .params
        .into_values()
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("medium");
    g.bench_function("quick_xml_walk", |b| b.iter(|| walk(black_box(MEDIUM))));
    g.bench_function("typed", |b| b.iter(|| typed(black_box(MEDIUM))));
    g.bench_function("value", |b| b.iter(|| values(black_box(MEDIUM))));
    g.finish();
    let mut g = c.benchmark_group("small");
    g.bench_function("quick_xml_walk", |b| b.iter(|| walk(black_box(SMALL))));
    g.bench_function("typed", |b| {
        b.iter(|| {
            let mut call = parse_call(black_box(SMALL), &Config::DEFAULT).unwrap();
            let a: i32 = call.params.next().unwrap();
            let b: i32 = call.params.next().unwrap();
            call.params.finish().unwrap();
            a + b
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
