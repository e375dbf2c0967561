//! Every call gets a `tracing` span with its method, outcome and duration.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A span's name and its fields in the order they were recorded.
type SpanRecord = (String, Vec<(String, String)>);

/// Collects span names and fields as `name: field=value, …` lines.
#[derive(Default)]
struct Collector {
    next: AtomicU64,
    spans: Mutex<Vec<SpanRecord>>,
    events: Mutex<Vec<String>>,
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

/// The subscriber: shares its [`Collector`] with the test.
struct Shared(Arc<Collector>);

impl Subscriber for Shared {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut fields = Vec::new();
        attrs.record(&mut Fields(&mut fields));
        let mut spans = self.0.spans.lock().unwrap();
        spans.push((attrs.metadata().name().to_owned(), fields));
        self.0.next.fetch_add(1, Ordering::SeqCst);
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.0.spans.lock().unwrap();
        let i = span.into_u64() as usize - 1;
        values.record(&mut Fields(&mut spans[i].1));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.0.events.lock().unwrap().push(format!("{fields:?}"));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn each_call_has_a_span_with_method_outcome_and_duration() {
    let collector = Arc::new(Collector::default());
    let _guard = tracing::subscriber::set_default(Shared(Arc::clone(&collector)));
    let srv = start(|b| b).await;
    let r = raw(srv.addr, &post("/RPC2", "", &call_ints("add", &[1, 2]))).await;
    assert_eq!(r.status, 200);
    let r = raw(srv.addr, &post("/RPC2", "", &call_ints("fault", &[]))).await;
    assert_eq!(r.status, 200);
    let r = raw(srv.addr, &post("/nope", "", b"")).await;
    assert_eq!(r.status, 404);

    let spans = collector.spans.lock().unwrap();
    let calls: Vec<_> = spans.iter().filter(|(n, _)| n == "xmlrpc.call").collect();
    assert_eq!(calls.len(), 2, "{spans:?}");
    let field = |i: usize, name: &str| {
        calls[i]
            .1
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(field(0, "method").as_deref(), Some("add"));
    assert_eq!(field(0, "outcome").as_deref(), Some("ok"));
    assert!(field(0, "duration_us").is_some());
    assert_eq!(field(1, "method").as_deref(), Some("fault"));
    assert_eq!(field(1, "outcome").as_deref(), Some("fault"));
    assert_eq!(field(1, "fault_code").as_deref(), Some("42"));
    // The refused request is logged with its reason.
    let events = collector.events.lock().unwrap();
    assert!(events.iter().any(|e| e.contains("404")), "{events:?}");
}
