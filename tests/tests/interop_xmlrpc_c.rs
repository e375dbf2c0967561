//! xmlrpc-c's command-line client `xmlrpc` (Debian package `libxmlrpc-core-c3-dev`) against
//! the `interop_server` example.
//!
//! The `xmlrpc` command sends only scalar parameters: `i/` `<i4>`, `I/` `<i8>`, `b/` boolean,
//! `d/` double, `s/` string, `h/` base64 (hex), `n/` nil. It cannot send arrays, structs or
//! dateTime values, so the cases that need them are reported as not applicable below (the
//! Python and Perl suites cover them). It prints results as `Integer: 15`,
//! `64-bit integer: …`, `String: '…'`, `Array of N items:`, `Struct of N members:` and a
//! fault as `… (XML-RPC fault code N)` with exit status 1.

use std::time::Duration;

use rpc_tests::{CaseReport, ScriptOutput, Server, require_peer, run_script};

const TIMEOUT: Duration = Duration::from_secs(30);

const CASES: &[&str] = &[
    "echo_int",
    "echo_i8",
    "echo_boolean",
    "echo_double",
    "echo_string",
    "echo_base64",
    "echo_nil",
    "echo_datetime",
    "echo_struct_array",
    "add",
    "samples",
    "fault_user",
    "fault_reserved",
    "multicall",
    "introspection",
    "validator1",
    "validator1_struct_params",
];

const NOT_APPLICABLE: &[&str] = &[
    "echo_datetime",
    "echo_struct_array",
    "multicall",
    "validator1_struct_params",
];

struct Peer {
    url: String,
}

impl Peer {
    fn call(&self, method: &str, params: &[&str]) -> ScriptOutput {
        let mut args = vec![self.url.as_str(), method];
        args.extend_from_slice(params);
        run_script("xmlrpc", &args, TIMEOUT)
    }

    /// The printed result of a successful call (the lines after `Result:`).
    fn result(&self, method: &str, params: &[&str]) -> Result<String, String> {
        let out = self.call(method, params);
        if !out.success() {
            return Err(format!(
                "xmlrpc {method} {params:?} failed: {}{}",
                out.stdout, out.stderr
            ));
        }
        match out.stdout.split_once("Result:") {
            Some((_, rest)) => Ok(rest.trim().to_owned()),
            None => Err(format!("xmlrpc {method}: no `Result:` in {:?}", out.stdout)),
        }
    }

    fn expect(&self, method: &str, params: &[&str], want: &str) -> Result<(), String> {
        let got = self.result(method, params)?;
        if got == want {
            Ok(())
        } else {
            Err(format!(
                "xmlrpc {method} {params:?} printed {got:?}, want {want:?}"
            ))
        }
    }

    /// A call that must fail with this fault code; returns what `xmlrpc` printed.
    fn expect_fault(&self, method: &str, params: &[&str], code: i32) -> Result<String, String> {
        let out = self.call(method, params);
        let text = format!("{}{}", out.stdout, out.stderr);
        if out.success() {
            return Err(format!("xmlrpc {method} {params:?} succeeded: {text}"));
        }
        if out.status.and_then(|s| s.code()) != Some(1) {
            return Err(format!("xmlrpc {method}: exit status {:?}", out.status));
        }
        if text.contains(&format!("(XML-RPC fault code {code})")) {
            Ok(text.trim().to_owned())
        } else {
            Err(format!(
                "xmlrpc {method} {params:?}: want fault {code}, got {text:?}"
            ))
        }
    }
}

fn all<const N: usize>(steps: [Result<(), String>; N], detail: &str) -> Result<String, String> {
    for step in steps {
        step?;
    }
    Ok(detail.to_owned())
}

#[test]
fn xmlrpc_c_client_against_interop_server() {
    if !require_peer(
        "xmlrpc-c `xmlrpc`",
        &["xmlrpc-c-config", "--version"],
        "libxmlrpc-core-c3-dev",
    ) {
        return;
    }
    let server = Server::example("interop_server", &[]);
    let peer = Peer {
        url: server.url_with_path("/RPC2"),
    };
    let mut report = CaseReport::default();

    report.record(
        "echo_int",
        all(
            [
                peer.expect("interop.echo", &["i/-31"], "Integer: -31"),
                peer.expect("interop.echo", &["i/2147483647"], "Integer: 2147483647"),
            ],
            "<i4>",
        ),
    );
    report.record(
        "echo_i8",
        all(
            [
                peer.expect(
                    "interop.echo",
                    &["I/9007199254740993"],
                    "64-bit integer: 9007199254740993",
                ),
                peer.expect(
                    "interop.echo",
                    &["I/-9223372036854775808"],
                    "64-bit integer: -9223372036854775808",
                ),
                peer.expect("interop.echo", &["I/5"], "64-bit integer: 5"),
            ],
            "<i8> echoed as <i8>",
        ),
    );
    report.record(
        "echo_boolean",
        all(
            [
                peer.expect("interop.echo", &["b/true"], "Boolean: TRUE"),
                peer.expect("interop.echo", &["b/false"], "Boolean: FALSE"),
            ],
            "boolean",
        ),
    );
    report.record(
        "echo_double",
        all(
            [
                peer.expect("interop.echo", &["d/1.5"], "Floating Point: 1.500000"),
                peer.expect("interop.echo", &["d/-0.25"], "Floating Point: -0.250000"),
            ],
            "double",
        ),
    );
    report.record(
        "echo_string",
        all(
            [
                peer.expect(
                    "interop.echo",
                    &["s/a<b & c>d \"q\""],
                    "String: 'a<b & c>d \"q\"'",
                ),
                // `xmlrpc` prints bytes outside ASCII as `\xNN` (in some locales as they are):
                // either way the UTF-8 bytes must be exactly those sent.
                peer.result("interop.echo", &["s/é ✓ 中"]).and_then(|got| {
                    let escaped: String = "é ✓ 中"
                        .bytes()
                        .map(|b| {
                            if b.is_ascii() {
                                char::from(b).to_string()
                            } else {
                                format!("\\x{b:02x}")
                            }
                        })
                        .collect();
                    if got == "String: 'é ✓ 中'" || got == format!("String: '{escaped}'") {
                        Ok(())
                    } else {
                        Err(format!("echo of UTF-8 printed {got:?}"))
                    }
                }),
                peer.expect("interop.echo", &["s/"], "String: ''"),
            ],
            "markup characters, UTF-8, empty",
        ),
    );
    report.record(
        "echo_base64",
        all(
            [
                peer.expect("interop.echo", &["h/00ff41"], "Bit string: 00ff41"),
                peer.expect("interop.echo", &["h/"], "Bit string:"),
            ],
            "base64",
        ),
    );
    report.record(
        "echo_nil",
        all([peer.expect("interop.echo", &["n/"], "Nil")], "nil"),
    );
    report.not_applicable(
        "echo_datetime",
        "the xmlrpc command has no dateTime parameter type and does not print dateTime results",
    );
    report.not_applicable(
        "echo_struct_array",
        "the xmlrpc command sends only scalar parameters (no array or struct)",
    );
    report.record(
        "add",
        all(
            [
                peer.expect("interop.add", &["i/5", "i/10"], "Integer: 15"),
                peer.expect(
                    "interop.add",
                    &["i/2147483647", "i/1"],
                    "64-bit integer: 2147483648",
                ),
                peer.expect(
                    "interop.add",
                    &["I/-4294967296", "i/1"],
                    "64-bit integer: -4294967295",
                ),
                peer.expect(
                    "interop.pair",
                    &["i/5", "s/10"],
                    "Array of 2 items:\n  Index  0 Integer: 5\n  Index  1 String: '10'",
                ),
            ],
            "<i4> inside 32 bits, <i8> outside; two-parameter array result",
        ),
    );
    report.record(
        "samples",
        peer.result("interop.samples", &[]).and_then(|got| {
            let want = [
                "Key:   String: 'big'",
                "Value: 64-bit integer: 9007199254740993",
                "Key:   String: 'truth'",
                "Value: Boolean: TRUE",
            ];
            match want.iter().find(|w| !got.contains(*w)) {
                None => Ok("struct with <i8> and boolean members".to_owned()),
                Some(w) => Err(format!("samples: {w:?} not in {got:?}")),
            }
        }),
    );
    report.record(
        "fault_user",
        peer.expect_fault("interop.fault", &["i/4", "s/Too many parameters"], 4)
            .and_then(|text| {
                if text.contains("Too many parameters") {
                    Ok("code 4 and its message".to_owned())
                } else {
                    Err(format!("message missing: {text}"))
                }
            }),
    );
    report.record(
        "fault_reserved",
        (|| -> Result<String, String> {
            peer.expect_fault("nosuch.method", &[], -32601)?;
            peer.expect_fault("interop.add", &["i/1"], -32602)?;
            peer.expect_fault("interop.add", &["s/a", "s/b"], -32602)?;
            peer.expect_fault("interop.panic", &[], -32603)?;
            peer.expect("interop.ping", &[], "String: 'pong'")?;
            Ok("-32601, -32602, -32603; the server keeps serving".to_owned())
        })(),
    );
    report.not_applicable(
        "multicall",
        "system.multicall takes an array of structs, which the xmlrpc command cannot send",
    );
    report.record(
        "introspection",
        (|| -> Result<String, String> {
            let list = peer.result("system.listMethods", &[])?;
            for m in [
                "interop.echo",
                "interop.add",
                "system.multicall",
                "system.getCapabilities",
                "validator1.easyStructTest",
            ] {
                if !list.contains(&format!("String: '{m}'")) {
                    return Err(format!("listMethods lacks {m}: {list}"));
                }
            }
            let help = peer.result("system.methodHelp", &["s/interop.add"])?;
            if !help.starts_with("String: '") || help == "String: ''" {
                return Err(format!("methodHelp printed {help:?}"));
            }
            let sig = peer.result("system.methodSignature", &["s/interop.add"])?;
            if !sig.starts_with("Array of 1 items:") {
                return Err(format!("methodSignature printed {sig:?}"));
            }
            let caps = peer.result("system.getCapabilities", &[])?;
            if !caps.contains("Key:   String: 'faults_interop'") || !caps.contains("20010516") {
                return Err(format!("getCapabilities printed {caps:?}"));
            }
            Ok("listMethods, methodHelp, methodSignature, getCapabilities".to_owned())
        })(),
    );
    report.record(
        "validator1",
        all(
            [
                peer.expect(
                    "validator1.simpleStructReturnTest",
                    &["i/7"],
                    "Struct of 3 members:\n  Key:   String: 'times10'\n  Value: Integer: 70\n  \
                     Key:   String: 'times100'\n  Value: Integer: 700\n  \
                     Key:   String: 'times1000'\n  Value: Integer: 7000",
                ),
                peer.result("validator1.countTheEntities", &["s/<<<>>&''\"\"\""])
                    .and_then(|got| {
                        let want = [
                            ("ctLeftAngleBrackets", 3),
                            ("ctRightAngleBrackets", 2),
                            ("ctAmpersands", 1),
                            ("ctApostrophes", 2),
                            ("ctQuotes", 3),
                        ];
                        for (name, n) in want {
                            let pair = format!("Key:   String: '{name}'\n  Value: Integer: {n}");
                            if !got.contains(&pair) {
                                return Err(format!("countTheEntities: {pair:?} not in {got:?}"));
                            }
                        }
                        Ok(())
                    }),
            ],
            "simpleStructReturnTest and countTheEntities",
        ),
    );
    report.not_applicable(
        "validator1_struct_params",
        "the other six validator1 methods take arrays, structs or dateTime values, which the \
         xmlrpc command cannot send",
    );

    report.assert_cases("xmlrpc-c", CASES, NOT_APPLICABLE);
    server.stop_and_assert_success();
}
