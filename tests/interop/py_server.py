#!/usr/bin/env python3
"""A reference XML-RPC server on Python's stdlib SimpleXMLRPCServer, for the Rust client tests.

Usage: py_server.py [--listen HOST:PORT] [--no-allow-none] [--no-multicall] [--path /p]...

It follows the examples' convention: the first stdout line, flushed once the socket listens,
is ``listening on http://HOST:PORT/PATH`` (PATH is the first of ``--path``, else ``RPC2``);
SIGTERM or SIGINT stops it with exit status 0.

Methods: add, div, echo(*a), rep, none, big, fault, noargs, plus the
eight UserLand validator1 methods and ``last_request()``, which describes the
HTTP request before the current one: {n (1 for the first request), path, headers: {lower-case
name: value}, body}.
"""

import argparse
import signal
import sys
import threading
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

REQUESTS = []  # the last two requests
REQUESTS_COUNT = [0]
REQUESTS_LOCK = threading.Lock()


class RecordingHandler(SimpleXMLRPCRequestHandler):
    """Records number, path, headers and body of every POST before dispatching it."""

    def decode_request_content(self, data):
        data = super().decode_request_content(data)
        with REQUESTS_LOCK:
            REQUESTS_COUNT[0] += 1
            REQUESTS.append(
                {
                    "n": REQUESTS_COUNT[0],
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": (data or b"").decode("utf-8", "replace"),
                }
            )
            del REQUESTS[:-2]
        return data

    def log_message(self, format, *args):
        pass


def add(a, b):
    """Returns a + b."""
    return a + b


def div(a, b):
    """Returns a / b."""
    return a / b


def echo(*args):
    """One argument: returns it; several: returns them as a list."""
    if len(args) == 1:
        return args[0]
    return list(args)


def rep(x):
    """Returns repr(x)."""
    return repr(x)


def none():
    """Returns None."""
    return None


def big():
    """Returns 2**40, which Python cannot send."""
    return 2**40


def fault():
    """Raises Fault(42, 'custom fault <&>')."""
    raise xmlrpc.client.Fault(42, "custom fault <&>")


def noargs():
    """Returns the string 'noargs'."""
    return "noargs"


def last_request():
    """Number, path, headers and body of the request before this one."""
    with REQUESTS_LOCK:
        if len(REQUESTS) < 2:
            return {}
        return REQUESTS[-2]


# UserLand validator1
def array_of_structs_test(array):
    return sum(s["curly"] for s in array)


def count_the_entities(s):
    return {
        "ctLeftAngleBrackets": s.count("<"),
        "ctRightAngleBrackets": s.count(">"),
        "ctAmpersands": s.count("&"),
        "ctApostrophes": s.count("'"),
        "ctQuotes": s.count('"'),
    }


def easy_struct_test(s):
    return s["moe"] + s["larry"] + s["curly"]


def echo_struct_test(s):
    return s


def many_types_test(n, b, s, d, dt, b64):
    return [n, b, s, d, dt, b64]


def moderate_size_array_check(array):
    return array[0] + array[-1]


def nested_struct_test(s):
    day = s["2000"]["04"]["01"]
    return day["moe"] + day["larry"] + day["curly"]


def simple_struct_return_test(n):
    return {"times10": n * 10, "times100": n * 100, "times1000": n * 1000}


VALIDATOR1 = {
    "validator1.arrayOfStructsTest": array_of_structs_test,
    "validator1.countTheEntities": count_the_entities,
    "validator1.easyStructTest": easy_struct_test,
    "validator1.echoStructTest": echo_struct_test,
    "validator1.manyTypesTest": many_types_test,
    "validator1.moderateSizeArrayCheck": moderate_size_array_check,
    "validator1.nestedStructTest": nested_struct_test,
    "validator1.simpleStructReturnTest": simple_struct_return_test,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", default="127.0.0.1:0")
    parser.add_argument("--no-allow-none", action="store_true")
    parser.add_argument("--no-multicall", action="store_true")
    parser.add_argument("--path", action="append", default=[])
    args = parser.parse_args()

    host, _, port = args.listen.rpartition(":")
    RecordingHandler.rpc_paths = tuple(args.path) if args.path else ("/", "/RPC2")
    server = SimpleXMLRPCServer(
        (host, int(port)),
        requestHandler=RecordingHandler,
        allow_none=not args.no_allow_none,
        logRequests=False,
    )
    server.register_introspection_functions()
    if not args.no_multicall:
        server.register_multicall_functions()
    for f in (add, div, echo, rep, none, big, fault, noargs, last_request):
        server.register_function(f)
    for name, f in VALIDATOR1.items():
        server.register_function(f, name)

    def stop(signum, frame):
        # shutdown() waits for serve_forever, which runs in this very thread: leave through
        # an exception instead.
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    bound_host, bound_port = server.server_address[:2]
    path = args.path[0] if args.path else "/RPC2"
    print(f"listening on http://{bound_host}:{bound_port}{path}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except SystemExit:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
