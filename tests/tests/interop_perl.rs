//! Perl's `RPC::XML::Client` (Debian package `librpc-xml-perl`) against the `interop_server`
//! example: echo of every type (`<i8>` and nil included), faults, multicall, introspection
//! and validator1, run by `tests/interop/perl_client.pl`.
//!
//! RPC::XML can express every case here. One difference from other peers is left out on
//! purpose: RPC::XML's own *server* aborts a whole multicall on the first fault, but its
//! client, tested here, reads per-entry faults as any other value.

use std::time::Duration;

use rpc_tests::{CaseReport, Server, interop_script, require_peer, run_script};

const CASES: &[&str] = &[
    "echo_int",
    "echo_i8",
    "echo_boolean",
    "echo_string",
    "echo_double",
    "echo_datetime",
    "echo_base64",
    "echo_nil",
    "echo_struct_array",
    "add",
    "fault_user",
    "fault_reserved",
    "multicall",
    "introspection",
    "validator1",
];

#[test]
fn perl_rpc_xml_client_against_interop_server() {
    if !require_peer(
        "Perl RPC::XML",
        &["perl", "-MRPC::XML::Client", "-e1"],
        "librpc-xml-perl",
    ) {
        return;
    }
    let server = Server::example("interop_server", &[]);
    let script = interop_script("perl_client.pl");
    let out = run_script(
        "perl",
        &[script.to_str().expect("UTF-8 path"), server.url()],
        Duration::from_secs(120),
    );
    out.assert_success("perl_client.pl");
    CaseReport::parse(&out.stdout).assert_cases("perl-rpc-xml", CASES, &[]);
    server.stop_and_assert_success();
}
