//! Replays what the fuzz targets found: every input kept in `fuzz/corpus/<target>/` and every
//! crash reproducer kept in `fuzz/regressions/<target>/` goes through the same check the
//! fuzzer runs (`fuzz/src/checks.rs`), so a fixed bug stays fixed.

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("readable directory entry").path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn replay(target: &str, check: fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "no kept inputs for {target}");
    for path in &files {
        let data = std::fs::read(path).expect("readable input");
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(
            outcome.is_ok(),
            "{target}: {} fails its check",
            path.display()
        );
    }
    println!("{target}: {} inputs replayed", files.len());
}

#[test]
fn parse_call_corpus() {
    replay("parse_call", checks::parse_call);
}

#[test]
fn parse_response_corpus() {
    replay("parse_response", checks::parse_response);
}

#[test]
fn typed_corpus() {
    replay("typed", checks::typed);
}

#[test]
fn server_request_corpus() {
    replay("server_request", checks::server_request);
}
