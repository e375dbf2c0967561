//! Python's `xmlrpc.client` against the `interop_server` example: the conformance
//! cases A1-A38 (Python client, Rust server) and D1/D3 (validator1), plus the server's own
//! contract (i8 and nil echo, panics, concurrency, body limits), run by
//! `tests/interop/py_client_suite.py`, which prints one JSON line per case.

use std::time::Duration;

use rpc_tests::{CaseReport, Server, run_python};

const CASES: &[&str] = &[
    "A1",
    "A2",
    "A3",
    "A4",
    "A5",
    "A6",
    "A7",
    "A8",
    "A9",
    "A10",
    "A11",
    "A12",
    "A13",
    "A14",
    "A15",
    "A16",
    "A17",
    "A18",
    "A19",
    "A20",
    "A21",
    "A22",
    "A23",
    "A24",
    "A25",
    "A26",
    "A27",
    "A28",
    "A29",
    "A30",
    "A31",
    "A32",
    "A33",
    "A34",
    "A35",
    "A36",
    "A37",
    "A38",
    "D1",
    "D3",
    "echo_i8",
    "echo_nil",
    "add_i4_i8",
    "add_overflow",
    "sleep_concurrent",
    "panic",
    "body_4mib",
    "body_413",
    "content_type",
    "not_methodcall",
];

/// Cases Python cannot drive against this server, each with its reason (the suite prints it).
///
/// - A20: it needs the server to close an idle keep-alive connection while the test waits;
///   `interop_server` keeps the server's default idle timeout.
const NOT_APPLICABLE: &[&str] = &["A20"];

/// The server's default request body limit (`ServerBuilder::max_body_size`: 8 MiB); the
/// suite checks that a body one byte over it is refused with 413 and that 4 MiB is admitted.
const MAX_BODY: usize = 8 * 1024 * 1024;

#[test]
fn python_client_against_interop_server() {
    let server = Server::example("interop_server", &[]);
    let max_body = MAX_BODY.to_string();
    let out = run_python(
        "py_client_suite.py",
        &[server.url(), "--max-body", &max_body],
        Duration::from_secs(300),
    );
    out.assert_success("py_client_suite.py");
    CaseReport::parse(&out.stdout).assert_cases("python-client", CASES, NOT_APPLICABLE);
    server.stop_and_assert_success();
}
