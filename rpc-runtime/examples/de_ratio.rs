use std::hint::black_box;
use std::time::Instant;
use quick_xml::events::Event;
use quick_xml::Reader;
use rpc_runtime::{parse_call, Config, Value};
use serde::Deserialize;

#[derive(Deserialize)]
#[allow(dead_code)]
struct Item { name: String, id: i32, score: f64, tags: Vec<String>, active: bool }

fn walk(xml: &[u8]) -> usize {
    let mut reader = Reader::from_reader(xml);
    let mut n = 0;
    loop { match reader.read_event() { Ok(Event::Eof) => return n, Ok(_) => n += 1, Err(e) => panic!("{e}") } }
}
fn typed(xml: &[u8]) -> Vec<Item> {
    let mut call = parse_call(xml, &Config::DEFAULT).unwrap();
    let items: Vec<Item> = call.params.next().unwrap();
    call.params.finish().unwrap();
    items
}
fn main() {
    let xml = std::fs::read("/work/shared/bench/medium.xml").unwrap();
    let mut best = [f64::MAX; 4];
    for _ in 0..3000 {
        let t = Instant::now(); black_box(walk(black_box(&xml))); let a = t.elapsed().as_secs_f64();
        let t = Instant::now(); black_box(typed(black_box(&xml))); let b = t.elapsed().as_secs_f64();
        let t = Instant::now(); black_box(parse_call(black_box(&xml), &Config::DEFAULT).unwrap().params.into_values().unwrap()); let c = t.elapsed().as_secs_f64();
        let t = Instant::now(); black_box(rpc_runtime::de::tokenize_count(black_box(&xml))); let d = t.elapsed().as_secs_f64();
        best[0] = best[0].min(a); best[1] = best[1].min(b); best[2] = best[2].min(c); best[3] = best[3].min(d);
    }
    let _ = Value::Nil;
    println!("walk {:.1}us typed {:.1}us value {:.1}us tokenize {:.1}us ratio typed/walk {:.2} value/walk {:.2}", best[0]*1e6, best[1]*1e6, best[2]*1e6, best[3]*1e6, best[1]/best[0], best[2]/best[0]);
}
