use std::hint::black_box;
use quick_xml::events::Event;
use quick_xml::Reader;
fn walk(xml: &[u8]) -> usize {
    let mut reader = Reader::from_reader(xml);
    let mut n = 0;
    loop { match reader.read_event() { Ok(Event::Eof) => return n, Ok(_) => n += 1, Err(e) => panic!("{e}") } }
}
fn main() {
    let xml = std::fs::read("/work/shared/bench/medium.xml").unwrap();
    let mut t = 0;
    for _ in 0..20000 { t += black_box(walk(black_box(&xml))); }
    println!("{}", t / 20000);
}
