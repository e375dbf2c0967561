use std::hint::black_box;
fn main() {
    let xml = std::fs::read("/work/shared/bench/medium.xml").unwrap();
    for _ in 0..20000 {
        black_box(rpc_runtime::de::tokenize_count(black_box(&xml)));
    }
}
