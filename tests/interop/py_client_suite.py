#!/usr/bin/env python3
"""Python's xmlrpc.client against the Rust `interop_server` example (conformance cases A and D).

Usage: py_client_suite.py URL [--max-body BYTES]

URL is the server's root, as its `listening on` line prints it (http://127.0.0.1:PORT/).
Every case prints one JSON line {"case", "status": "pass" | "fail" | "n/a", "detail"};
the Rust test asserts each case by name. The script itself exits 0 unless it crashes.
"""

import argparse
import base64
import http.client
import json
import math
import socket
import sys
import threading
import time
import traceback
import urllib.parse
import xmlrpc.client
from xmlrpc.client import Binary, DateTime, Fault, MultiCall, ProtocolError, ServerProxy

TIMEOUT = 30.0


class CaseFailed(Exception):
    pass


class NotApplicable(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CaseFailed(what)


def expect_fault(fn, code, string=None):
    try:
        r = fn()
    except Fault as f:
        check(f.faultCode == code, f"faultCode {f.faultCode!r} != {code!r} ({f.faultString!r})")
        if string is not None:
            check(f.faultString == string, f"faultString {f.faultString!r} != {string!r}")
        return f
    raise CaseFailed(f"expected Fault {code}, got result {r!r}")


class RecordingTransport(xmlrpc.client.Transport):
    """A transport that keeps the status and headers of the last response."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.last_headers = None
        self.sockets = []

    def make_connection(self, host):
        conn = super().make_connection(host)
        conn.timeout = TIMEOUT
        return conn

    def parse_response(self, response):
        self.last_headers = {k.lower(): v for k, v in response.getheaders()}
        if self._connection[1] is not None and self._connection[1].sock is not None:
            self.sockets.append(self._connection[1].sock.getsockname())
        return super().parse_response(response)


class Suite:
    def __init__(self, url, max_body):
        parsed = urllib.parse.urlsplit(url)
        self.host = parsed.hostname
        self.port = parsed.port
        self.root = f"http://{self.host}:{self.port}"
        self.url = self.root + "/RPC2"
        self.max_body = max_body

    def proxy(self, url=None, **kw):
        kw.setdefault("allow_none", True)
        if "transport" not in kw:
            kw["transport"] = RecordingTransport()
        return ServerProxy(url or self.url, **kw)

    def raw(self, method, path, body=b"", headers=None, chunks=None):
        """One HTTP/1.1 exchange on a fresh connection: (status, headers, body)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            hdrs = {"Content-Type": "text/xml"}
            hdrs.update(headers or {})
            if chunks is not None:
                conn.request(method, path, body=iter(chunks), headers=hdrs, encode_chunked=True)
            else:
                conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def raw_call(self, xml, path="/RPC2"):
        status, headers, data = self.raw("POST", path, xml.encode() if isinstance(xml, str) else xml)
        check(status == 200, f"HTTP status {status}, body {data[:200]!r}")
        return headers, data

    # -- A: Python client -> Rust server ------------------------------------------------------

    def case_A1(self):
        p = self.proxy()
        r = p.interop.add(5, 10)
        check(r == 15 and type(r) is int, f"add(5, 10) = {r!r}")
        h = p._ServerProxy__transport.last_headers
        check(h.get("content-type", "").startswith("text/xml"), f"Content-Type {h.get('content-type')!r}")
        check("content-length" in h, f"no Content-Length in {h}")
        # the exact request Python sends, through a raw connection
        body = xmlrpc.client.dumps((5, 10), "interop.add").encode()
        _, data = self.raw_call(body)
        check(b"<i4>15</i4>" in data, f"reply {data!r} lacks <i4>15</i4>")
        return "15 as int; 200 text/xml with Content-Length; wire <i4>15</i4>"

    def case_A2(self):
        p = self.proxy(self.root)  # no path: Python posts to /RPC2
        r = p.interop.add(1, 2)
        check(r == 3, f"add(1, 2) = {r!r}")
        r = self.proxy(self.root + "/").interop.add(1, 2)
        check(r == 3, f"add(1, 2) on / = {r!r}")
        return "/RPC2 and / both served"

    def case_A3(self):
        r = self.proxy().interop.ping()
        check(r == "pong", f"ping() = {r!r}")
        return "zero-argument call"

    def case_A4(self):
        p = self.proxy()
        args = (
            42,
            True,
            "a<b & c>d",
            3.5,
            DateTime("19980717T14:08:55"),
            Binary(b"you can't read this!"),
            {"lowerBound": 18, "upperBound": None},
            [12, "Egypt", False, -31],
            "é✓",
        )
        r = p.interop.echo(list(args))
        check(isinstance(r, list) and len(r) == 9, f"echo = {r!r}")
        check(r[0] == 42 and type(r[0]) is int, f"int {r[0]!r}")
        check(r[1] is True, f"bool {r[1]!r}")
        check(r[2] == "a<b & c>d", f"string {r[2]!r}")
        check(r[3] == 3.5, f"double {r[3]!r}")
        check(isinstance(r[4], DateTime) and r[4].value == "19980717T14:08:55", f"dateTime {r[4]!r}")
        check(isinstance(r[5], Binary) and r[5].data == b"you can't read this!", f"base64 {r[5]!r}")
        check(r[6] == {"lowerBound": 18, "upperBound": None} and r[6]["upperBound"] is None, f"struct {r[6]!r}")
        check(r[7] == [12, "Egypt", False, -31] and r[7][2] is False, f"array {r[7]!r}")
        check(r[8] == "é✓", f"unicode {r[8]!r}")
        # each type also as a top-level value
        for v in args:
            got = p.interop.echo(v)
            if isinstance(v, DateTime):
                check(isinstance(got, DateTime) and got.value == v.value, f"echo({v!r}) = {got!r}")
            elif isinstance(v, Binary):
                check(isinstance(got, Binary) and got.data == v.data, f"echo({v!r}) = {got!r}")
            else:
                check(got == v and type(got) is type(v), f"echo({v!r}) = {got!r}")
        return "all nine values of the every-type call, nested and top-level"

    def case_A5(self):
        p = self.proxy()
        for v in (1e16, 1e-7, -0.0, 0.1, 1.7976931348623157e308, 5e-324, 123456789.0, 1.0):
            r = p.interop.echo(v)
            check(type(r) is float and r == v, f"echo({v!r}) = {r!r}")
            check(math.copysign(1, r) == math.copysign(1, v), f"sign of echo({v!r}) = {r!r}")
        return "8 doubles bit-equal, -0.0 keeps its sign"

    def case_A6(self):
        p = self.proxy()
        out = []
        for v in (float("inf"), float("-inf"), float("nan")):
            try:
                r = p.interop.echo(v)
                check(
                    (math.isnan(v) and math.isnan(r)) or r == v,
                    f"echo({v!r}) = {r!r}",
                )
                out.append(f"{v!r} echoed")
            except Fault as f:
                check(f.faultCode == -32602, f"echo({v!r}): fault {f.faultCode} {f.faultString!r}")
                out.append(f"{v!r} -> fault -32602")
        return ", ".join(out)

    def case_A7(self):
        s = self.proxy().interop.samples()
        check(s["big"] == 9007199254740993 and type(s["big"]) is int, f"big = {s['big']!r}")
        r = self.proxy().interop.add(2147483647, 1)
        check(r == 2147483648, f"add(2**31-1, 1) = {r!r}")
        _, data = self.raw_call(xmlrpc.client.dumps((2147483647, 1), "interop.add"))
        check(b"<i8>2147483648</i8>" in data, f"reply {data!r} lacks <i8>")
        return "i64 results reach Python via <i8>"

    def case_A8(self):
        r = self.proxy().interop.add(5, -7)
        check(r == -2, f"add(5, -7) = {r!r}")
        return "<int> accepted for i64 parameters"

    def case_A9(self):
        p = ServerProxy(self.url)  # without allow_none
        r = p.interop.nothing()
        check(r is None, f"nothing() = {r!r}")
        return "<nil/> read by a proxy without allow_none"

    def case_A10(self):
        status, _, data = self.raw(
            "POST", "/RPC2", xmlrpc.client.dumps((4, "Too many parameters."), "interop.fault").encode()
        )
        check(status == 200, f"fault sent with HTTP {status}")
        expect_fault(lambda: self.proxy().interop.fault(4, "Too many parameters."), 4, "Too many parameters.")
        expect_fault(lambda: self.proxy().interop.fault(-1, "<&> é 中"), -1, "<&> é 中")
        expect_fault(lambda: self.proxy().interop.fault(2147483647, ""), 2147483647, "")
        return "user faults with exact code and string, HTTP 200"

    def case_A11(self):
        status, _, _ = self.raw("POST", "/RPC2", xmlrpc.client.dumps((), "nosuch").encode())
        check(status == 200, f"HTTP {status}")
        expect_fault(lambda: self.proxy().nosuch(), -32601)
        expect_fault(lambda: self.proxy().interop.nosuch(1), -32601)
        return "-32601, HTTP 200"

    def case_A12(self):
        p = self.proxy()
        expect_fault(lambda: p.interop.add(1), -32602)
        expect_fault(lambda: p.interop.add(1, 2, 3), -32602)
        expect_fault(lambda: p.interop.add("a", "b"), -32602)
        expect_fault(lambda: p.interop.add(1.5, 2), -32602)
        expect_fault(lambda: p.validator1.easyStructTest("x"), -32602)
        expect_fault(lambda: p.validator1.easyStructTest({"moe": 1}), -32602)
        expect_fault(lambda: p.interop.sleep(), -32602)
        return "arity and type errors -> -32602"

    def case_A13(self):
        p = self.proxy()
        m = MultiCall(p)
        m.interop.add(2, 3)
        m.nosuch()
        m.interop.fault(7, "fails")
        m.system.listMethods()
        r = m()
        check(r[0] == 5, f"r[0] = {r[0]!r}")
        expect_fault(lambda: r[1], -32601)
        expect_fault(lambda: r[2], 7, "fails")
        methods = r[3]
        check(isinstance(methods, list) and all(isinstance(x, str) for x in methods), f"r[3] = {methods!r}")
        check("interop.add" in methods, "listMethods lacks interop.add")
        return "results, -32601 and user fault per entry"

    def case_A14(self):
        r = MultiCall(self.proxy())()
        check(list(r) == [], f"empty multicall = {list(r)!r}")
        return "empty multicall -> []"

    def case_A15(self):
        m = MultiCall(self.proxy())
        m.interop.echo([1, 2])
        m.interop.echo({"a": 1})
        m.interop.echo({"faultCode": 1, "faultString": "not a fault"})
        r = m()
        check(r[0] == [1, 2], f"r[0] = {r[0]!r}")
        check(r[1] == {"a": 1}, f"r[1] = {r[1]!r}")
        check(r[2] == {"faultCode": 1, "faultString": "not a fault"}, f"r[2] = {r[2]!r}")
        return "array and struct results wrapped in one-element arrays"

    def case_A16(self):
        p = self.proxy()
        try:
            r = p.system.multicall([{"methodName": "interop.add"}])
            check(
                isinstance(r, list) and len(r) == 1 and isinstance(r[0], dict) and "faultCode" in r[0],
                f"multicall without params = {r!r}",
            )
            detail = f"entry fault {r[0]['faultCode']}"
        except Fault as f:
            detail = f"top-level fault {f.faultCode}"
        for bad in ([1], ["x"], [{"params": []}], [{"methodName": 5, "params": []}]):
            try:
                p.system.multicall(bad)
            except Fault:
                pass
        expect_fault(lambda: p.system.multicall(), -32602)
        check(p.interop.ping() == "pong", "server did not survive bad multicalls")
        return detail + "; server keeps serving"

    def case_A17(self):
        p = self.proxy()
        methods = p.system.listMethods()
        check(isinstance(methods, list), f"listMethods = {methods!r}")
        want = [
            "interop.echo",
            "interop.add",
            "interop.fault",
            "interop.sleep",
            "interop.panic",
            "system.listMethods",
            "system.methodHelp",
            "system.methodSignature",
            "system.multicall",
            "system.getCapabilities",
        ] + [f"validator1.{m}" for m in VALIDATOR1_METHODS]
        missing = [m for m in want if m not in methods]
        check(not missing, f"listMethods lacks {missing}")
        check(len(set(methods)) == len(methods), f"duplicates in {methods}")
        h = p.system.methodHelp("interop.add")
        check(isinstance(h, str) and h != "", f"methodHelp = {h!r}")
        sig = p.system.methodSignature("interop.add")
        check(
            isinstance(sig, list)
            and len(sig) >= 1
            and all(isinstance(s, list) and len(s) == 3 and all(isinstance(t, str) for t in s) for s in sig),
            f"methodSignature(interop.add) = {sig!r}",
        )
        sig = p.system.methodSignature("validator1.manyTypesTest")
        check(
            isinstance(sig, list) and len(sig[0]) == 7 and sig[0][0] == "array",
            f"methodSignature(validator1.manyTypesTest) = {sig!r}",
        )
        return f"{len(methods)} methods; signature of interop.add {p.system.methodSignature('interop.add')!r}"

    def case_A18(self):
        caps = self.proxy().system.getCapabilities()
        check(isinstance(caps, dict), f"getCapabilities = {caps!r}")
        check(
            caps.get("faults_interop")
            == {"specUrl": "http://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php", "specVersion": 20010516},
            f"faults_interop = {caps.get('faults_interop')!r}",
        )
        return "capabilities: " + ", ".join(sorted(caps))

    def case_A19(self):
        t = RecordingTransport()
        p = self.proxy(transport=t)
        check(p.interop.add(1, 1) == 2 and p.interop.add(2, 2) == 4, "calls failed")
        check(p.interop.add(3, 3) == 6, "third call failed")
        check(len(t.sockets) == 3 and len(set(t.sockets)) == 1, f"local addresses {t.sockets}")
        return "three calls on one TCP connection"

    def case_A20(self):
        raise NotApplicable(
            "needs the server to close an idle keep-alive connection within the test; "
            "the idle timeout of interop_server is the server default"
        )

    def case_A21(self):
        t = RecordingTransport()
        p = self.proxy(transport=t)
        r = p.interop.echo("x" * 5000)
        check(r == "x" * 5000, f"echo of 5000 chars came back with {len(r)} chars")
        enc = t.last_headers.get("content-encoding", "identity")
        check(enc == "gzip", f"a 5000-byte reply to Accept-Encoding: gzip came with Content-Encoding {enc}")
        t2 = RecordingTransport()
        t2.accept_gzip_encoding = False
        r = self.proxy(transport=t2).interop.echo("x" * 5000)
        check(r == "x" * 5000, "echo without Accept-Encoding: gzip failed")
        check("content-encoding" not in t2.last_headers, f"gzip without Accept-Encoding: {t2.last_headers}")
        return "5000 chars intact; gzipped for Accept-Encoding: gzip, plain without"

    def case_A22(self):
        url = f"http://us%40er:pa%3Ass@{self.host}:{self.port}/RPC2"
        r = self.proxy(url).interop.authorization()
        check(r == "Basic dXNAZXI6cGE6c3M=", f"authorization() = {r!r}")
        check(base64.b64decode(r.split()[1]) == b"us@er:pa:ss", "decoded credentials")
        return "Authorization header visible to the handler"

    def case_A23(self):
        s = "é 中 😀"
        r = self.proxy().interop.echo(s)
        check(r == s, f"echo = {r!r}")
        _, data = self.raw_call(xmlrpc.client.dumps((s,), "interop.echo"))
        data.decode("utf-8")
        return "BMP and astral characters, valid UTF-8 reply"

    def case_A24(self):
        p = self.proxy()
        for s in ("a\r\nb", "a\rb"):
            r = p.interop.echo(s)
            check(r == "a\nb", f"echo({s!r}) = {r!r}")
        return "raw CR normalised to LF as XML requires"

    def case_A25(self):
        s = self.proxy().interop.samples()
        check(s["cr"] == "a\rb", f"cr = {s['cr']!r}")
        _, data = self.raw_call(xmlrpc.client.dumps((), "interop.samples"))
        check(b"a&#13;b" in data or b"a&#xD;b" in data or b"a&#xd;b" in data, f"CR not escaped in {data!r}")
        return "CR written as a character reference"

    def case_A26(self):
        status, _, data = self.raw("POST", "/RPC2", xmlrpc.client.dumps(("a\x01b",), "interop.echo").encode())
        check(status == 200, f"HTTP {status}")
        f = expect_fault(lambda: xmlrpc.client.loads(data), -32700)
        expect_fault(lambda: self.proxy().interop.echo("a\x01b"), -32700)
        for bad in (
            b"",
            b"<methodCall><methodName>interop.ping</methodName>",
            b"<methodCall><methodName>x</methodName></wrong>",
            b"not xml at all",
            b"<methodCall><methodName>interop.echo</methodName><params><param><value><string>&#1;</string></value></param></params></methodCall>",
        ):
            status, _, data = self.raw("POST", "/RPC2", bad)
            check(status == 200, f"HTTP {status} for {bad!r}")
            expect_fault(lambda: xmlrpc.client.loads(data), -32700)
        return f"ill-formed XML -> HTTP 200 fault -32700 ({f.faultString!r})"

    def case_A27(self):
        r = self.proxy().interop.echo({"z": 1, "a": 2, "m": 3})
        check(list(r.keys()) == ["z", "a", "m"], f"keys {list(r.keys())}")
        return "member order kept"

    def case_A28(self):
        r = self.proxy(encoding="iso-8859-1").interop.echo("é中")
        check(r == "é中", f"echo = {r!r}")
        return "ISO-8859-1 request with a character reference"

    def case_A29(self):
        p = self.proxy(use_builtin_types=True)
        import datetime

        s = p.interop.samples()
        check(s["when"] == datetime.datetime(2020, 1, 2, 3, 4, 5), f"when = {s['when']!r}")
        _, data = self.raw_call(xmlrpc.client.dumps((), "interop.samples"))
        check(b"<dateTime.iso8601>20200102T03:04:05</dateTime.iso8601>" in data, f"dateTime form in {data!r}")
        return "naive datetime as 20200102T03:04:05"

    def case_A30(self):
        s = self.proxy().interop.samples()
        check(s["truth"] is True, f"truth = {s['truth']!r}")
        _, data = self.raw_call(xmlrpc.client.dumps((), "interop.samples"))
        check(b"<boolean>1</boolean>" in data, f"boolean form in {data!r}")
        return "true as <boolean>1</boolean>"

    def case_A31(self):
        p = self.proxy()
        for b in (b"", bytes(range(256)) * 3, b"\x00\x01\xff"):
            r = p.interop.echo(Binary(b))
            check(isinstance(r, Binary) and r.data == b, f"echo of {len(b)} bytes = {r!r}")
        r = self.proxy(use_builtin_types=True).interop.echo(bytes(range(256)))
        check(r == bytes(range(256)), "builtin bytes")
        return "empty, 768-byte and small base64"

    def case_A32(self):
        p = self.proxy()
        for s in ("", "  padded  ", "\t", " "):
            r = p.interop.echo(s)
            check(r == s, f"echo({s!r}) = {r!r}")
        # untyped values are strings, whitespace kept
        _, data = self.raw_call(
            "<methodCall><methodName>interop.echo</methodName><params><param><value>  x  </value></param></params></methodCall>"
        )
        check(xmlrpc.client.loads(data)[0][0] == "  x  ", f"untyped {data!r}")
        _, data = self.raw_call(
            "<methodCall><methodName>interop.echo</methodName><params><param><value/></param></params></methodCall>"
        )
        check(xmlrpc.client.loads(data)[0][0] == "", f"<value/> {data!r}")
        return "no trimming; untyped and empty values"

    def case_A33(self):
        v = [[[{"k": [True, None]}]]]
        r = self.proxy().interop.echo(v)
        check(r == v, f"echo = {r!r}")
        deep = 1
        for _ in range(40):
            deep = [deep]
        check(self.proxy().interop.echo(deep) == deep, "40 levels of arrays")
        return "nested arrays/structs with nil; 40 levels"

    def case_A34(self):
        p = self.proxy()
        check(getattr(p, "interop.echo")(1) == 1, "getattr(p, 'interop.echo')")
        check(p.interop.echo(2) == 2, "p.interop.echo")
        check(getattr(p, "validator1.simpleStructReturnTest")(1)["times10"] == 10, "validator1 dotted")
        return "dotted names dispatched verbatim"

    def case_A35(self):
        body = xmlrpc.client.dumps((20, 22), "interop.add").encode()
        status, _, data = self.raw("POST", "/RPC2", chunks=[body[:50], body[50:]])
        check(status == 200, f"HTTP {status}")
        check(xmlrpc.client.loads(data)[0][0] == 42, f"reply {data!r}")
        return "chunked request accepted (more lenient than Python's server)"

    def case_A36(self):
        for path in ("/RPC2", "/"):
            status, _, _ = self.raw("GET", path)
            check(status == 405, f"GET {path}: HTTP {status}")
        status, _, _ = self.raw("PUT", "/RPC2", b"x")
        check(status == 405, f"PUT: HTTP {status}")
        return "GET and PUT -> 405"

    def case_A37(self):
        body = xmlrpc.client.dumps((), "interop.ping").encode()
        for path in ("/nosuch", "/RPC3", "/RPC2/x"):
            status, _, _ = self.raw("POST", path, body)
            check(status == 404, f"POST {path}: HTTP {status}")
        try:
            self.proxy(self.root + "/wrong").interop.ping()
            raise CaseFailed("call to /wrong succeeded")
        except ProtocolError as e:
            check(e.errcode == 404, f"ProtocolError {e.errcode}")
        return "unknown paths -> 404"

    def case_A38(self):
        xml = (
            "<methodCall><methodName>interop.pair</methodName><params>"
            "<param><value><i4>5</i4></value></param><param><value>10</value></param>"
            "</params></methodCall>"
        )
        _, data = self.raw_call(xml)
        r = xmlrpc.client.loads(data)[0][0]
        check(r == [5, "10"], f"pair = {r!r}")
        return "<i4> as int, untyped 10 as the string '10'"

    # -- D: validator1 ---------------------------------------------------------------------

    def case_D1(self):
        p = self.proxy()
        v = p.validator1
        check(
            v.arrayOfStructsTest([{"moe": 1, "larry": 2, "curly": 3}, {"moe": -98, "larry": 23, "curly": -6}]) == -3,
            "arrayOfStructsTest",
        )
        r = v.countTheEntities("<<<>>&''\"\"\"")
        check(
            r
            == {
                "ctLeftAngleBrackets": 3,
                "ctRightAngleBrackets": 2,
                "ctAmpersands": 1,
                "ctApostrophes": 2,
                "ctQuotes": 3,
            },
            f"countTheEntities = {r!r}",
        )
        check(v.easyStructTest({"moe": 13, "larry": 7, "curly": 11}) == 31, "easyStructTest")
        s = {"substruct0": {"moe": 1, "larry": 2, "curly": 3}, "substruct1": {"moe": 4, "larry": 5, "curly": 6}}
        check(v.echoStructTest(s) == s, "echoStructTest")
        r = v.manyTypesTest(5, True, "str", 1.5, DateTime("19980717T14:08:55"), Binary(b"you can't read this!"))
        check(r[:4] == [5, True, "str", 1.5] and r[1] is True, f"manyTypesTest = {r!r}")
        check(isinstance(r[4], DateTime) and r[4].value == "19980717T14:08:55", f"manyTypesTest dateTime {r[4]!r}")
        check(isinstance(r[5], Binary) and r[5].data == b"you can't read this!", f"manyTypesTest base64 {r[5]!r}")
        arr = ["first"] + [f"x{i}" for i in range(148)] + ["last"]
        check(v.moderateSizeArrayCheck(arr) == "firstlast", "moderateSizeArrayCheck")
        cal = {
            "1999": {"12": {"31": {}}},
            "2000": {"01": {"01": {}}, "04": {"01": {"moe": 12, "larry": 34, "curly": 56}, "02": {}}},
            "2001": {},
        }
        check(v.nestedStructTest(cal) == 102, "nestedStructTest")
        check(
            v.simpleStructReturnTest(7) == {"times10": 70, "times100": 700, "times1000": 7000},
            "simpleStructReturnTest",
        )
        return "the eight methods with the validator1 vectors"

    def case_D3(self):
        v = self.proxy().validator1
        for n in (100, 200):
            arr = ["first"] + ["x"] * (n - 2) + ["last"]
            r = v.moderateSizeArrayCheck(arr)
            check(r == "firstlast", f"{n} items: {r!r}")
        s = "<>&'\"" * 7 + "plain <tag> &amp; 'q' \"qq\""
        r = v.countTheEntities(s)
        want = {
            "ctLeftAngleBrackets": s.count("<"),
            "ctRightAngleBrackets": s.count(">"),
            "ctAmpersands": s.count("&"),
            "ctApostrophes": s.count("'"),
            "ctQuotes": s.count('"'),
        }
        check(r == want, f"countTheEntities = {r!r}, want {want!r}")
        return "100 and 200 items; entities counted decoded"

    # -- interop_server contract ---------------------------------------------------------------

    def case_echo_i8(self):
        for n in (9007199254740993, -9223372036854775808, 9223372036854775807, 5):
            xml = (
                "<methodCall><methodName>interop.echo</methodName><params>"
                f"<param><value><i8>{n}</i8></value></param></params></methodCall>"
            )
            _, data = self.raw_call(xml)
            check(f"<i8>{n}</i8>".encode() in data, f"echo of <i8>{n}</i8>: {data!r}")
            check(xmlrpc.client.loads(data)[0][0] == n, "value")
        return "<i8> echoed as <i8>, full i64 range"

    def case_echo_nil(self):
        check(self.proxy().interop.echo(None) is None, "echo(None)")
        _, data = self.raw_call(xmlrpc.client.dumps((None,), "interop.echo", allow_none=True))
        check(b"<nil/>" in data, f"reply {data!r}")
        r = self.proxy().interop.echo({"a": None, "b": [None, 1]})
        check(r == {"a": None, "b": [None, 1]}, f"nested nil {r!r}")
        return "nil top-level and nested"

    def case_add_i4_i8(self):
        _, data = self.raw_call(xmlrpc.client.dumps((-2147483648, 0), "interop.add"))
        check(b"<i4>-2147483648</i4>" in data, f"{data!r}")
        _, data = self.raw_call(xmlrpc.client.dumps((-2147483648, -1), "interop.add"))
        check(b"<i8>-2147483649</i8>" in data, f"{data!r}")
        xml = (
            "<methodCall><methodName>interop.add</methodName><params>"
            "<param><value><i8>9223372036854775807</i8></value></param>"
            "<param><value><i8>-1</i8></value></param></params></methodCall>"
        )
        _, data = self.raw_call(xml)
        check(b"<i8>9223372036854775806</i8>" in data, f"{data!r}")
        return "<i4> inside 32 bits, <i8> outside"

    def case_add_overflow(self):
        xml = (
            "<methodCall><methodName>interop.add</methodName><params>"
            "<param><value><i8>9223372036854775807</i8></value></param>"
            "<param><value><i4>1</i4></value></param></params></methodCall>"
        )
        _, data = self.raw_call(xml)
        try:
            r = xmlrpc.client.loads(data)
            raise CaseFailed(f"i64 overflow answered {r!r}")
        except Fault as f:
            check(f.faultCode not in (-32700, -32601), f"fault {f.faultCode} {f.faultString!r}")
        check(self.proxy().interop.ping() == "pong", "server keeps serving")
        return f"overflowing sum is a fault"

    def case_sleep_concurrent(self):
        result = {}

        def slow():
            try:
                result["slow"] = self.proxy().interop.sleep(3000)
            except Exception as e:  # reported below
                result["slow"] = e

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.3)
        fast = self.proxy().interop.ping()
        overlapped = t.is_alive()
        t.join(TIMEOUT)
        check(fast == "pong", f"ping = {fast!r}")
        check(result.get("slow") == 3000, f"sleep(3000) = {result.get('slow')!r}")
        check(overlapped, "ping waited for sleep(3000) to finish")
        check(self.proxy().interop.sleep(0) == 0, "sleep(0)")
        return "a call completes while sleep(3000) is running"

    def case_panic(self):
        p = self.proxy()
        expect_fault(lambda: p.interop.panic(), -32603)
        status, _, _ = self.raw("POST", "/RPC2", xmlrpc.client.dumps((), "interop.panic").encode())
        check(status == 200, f"panic: HTTP {status}")
        check(p.interop.ping() == "pong", "server stopped serving after a panic")
        m = MultiCall(p)
        m.interop.panic()
        m.interop.add(1, 1)
        r = m()
        expect_fault(lambda: r[0], -32603)
        check(r[1] == 2, "multicall entry after a panic")
        return "-32603, server keeps serving (also inside multicall)"

    def case_body_4mib(self):
        # a 4 MiB request body must be admitted
        target = 4 * 1024 * 1024
        empty = len(xmlrpc.client.dumps(("",), "interop.echo").encode())
        s = "y" * (target - empty)
        body = xmlrpc.client.dumps((s,), "interop.echo").encode()
        check(len(body) == target, f"body {len(body)} bytes")
        status, _, data = self.raw("POST", "/RPC2", body)
        check(status == 200, f"HTTP {status}")
        check(xmlrpc.client.loads(data)[0][0] == s, "echo of a 4 MiB body")
        return "4 MiB body admitted"

    def case_body_413(self):
        if self.max_body is None:
            raise CaseFailed("no --max-body given")
        n = self.max_body + 1
        # the declared length is over the limit: the server may answer before reading the body
        sock = socket.create_connection((self.host, self.port), timeout=TIMEOUT)
        try:
            head = (
                f"POST /RPC2 HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: text/xml\r\n"
                f"Content-Length: {n}\r\n\r\n"
            ).encode()
            sock.sendall(head)
            chunk = b"z" * 65536
            sent = 0
            try:
                while sent < n:
                    k = min(len(chunk), n - sent)
                    sock.sendall(chunk[:k])
                    sent += k
            except (BrokenPipeError, ConnectionResetError):
                pass
            data = b""
            try:
                while b"\r\n" not in data:
                    more = sock.recv(4096)
                    if not more:
                        break
                    data += more
            except ConnectionResetError:
                pass
        finally:
            sock.close()
        status_line = data.split(b"\r\n", 1)[0]
        check(status_line.startswith(b"HTTP/1.1 413"), f"status line {status_line!r} for {n} bytes")
        check(self.proxy().interop.ping() == "pong", "server keeps serving")
        return f"{n}-byte body -> 413"

    def case_content_type(self):
        status, headers, data = self.raw(
            "POST", "/RPC2", xmlrpc.client.dumps((1, 2), "interop.add").encode(), {"Content-Type": "application/json"}
        )
        check(status == 200 and xmlrpc.client.loads(data)[0][0] == 3, f"HTTP {status} {data!r}")
        check(headers.get("content-type", "").startswith("text/xml"), f"{headers}")
        return "request Content-Type not checked (as Python); reply text/xml"

    def case_not_methodcall(self):
        for bad in (b"<foo/>", b"<methodResponse><params/></methodResponse>"):
            status, _, data = self.raw("POST", "/RPC2", bad)
            check(status == 200, f"HTTP {status}")
            f = expect_fault(lambda: xmlrpc.client.loads(data), -32600)
        return "well-formed non-methodCall -> -32600"


VALIDATOR1_METHODS = [
    "arrayOfStructsTest",
    "countTheEntities",
    "easyStructTest",
    "echoStructTest",
    "manyTypesTest",
    "moderateSizeArrayCheck",
    "nestedStructTest",
    "simpleStructReturnTest",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--max-body", type=int)
    parser.add_argument("--only", action="append", default=[])
    args = parser.parse_args()
    socket.setdefaulttimeout(TIMEOUT)
    suite = Suite(args.url, args.max_body)
    names = [n for n in dir(Suite) if n.startswith("case_")]

    def order(n):
        name = n[len("case_") :]
        if name[0] in "AD" and name[1:].isdigit():
            return (0, name[0], int(name[1:]))
        return (1, name, 0)

    for n in sorted(names, key=order):
        name = n[len("case_") :]
        if args.only and name not in args.only:
            continue
        try:
            detail = getattr(suite, n)()
            line = {"case": name, "status": "pass", "detail": detail or ""}
        except NotApplicable as e:
            line = {"case": name, "status": "n/a", "detail": str(e)}
        except CaseFailed as e:
            line = {"case": name, "status": "fail", "detail": str(e)}
        except Exception as e:
            tb = traceback.format_exception(type(e), e, e.__traceback__)
            line = {"case": name, "status": "fail", "detail": f"{type(e).__name__}: {e} | {''.join(tb[-3:])}"}
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
