#!/usr/bin/env python3
"""A Pyblish UI's server as pyblish-qml builds it, on the standard library only.

Serves the UI methods at / (show, hide, quit, heartbeat, ping, find_available_port). After
`show(port, settings=None)` it calls `ping`, `discover` and `context` on the host at
http://127.0.0.1:PORT/pyblish, from a thread of its own.

Output lines (stdout, flushed), the same as examples/pyblish_ui.rs:
    listening on http://HOST:PORT/
    show from PORT title TITLE        (TITLE is settings["WindowTitle"], or - without one)
    host ping ok: MESSAGE | host discover ok: N plugins | host context ok: N instances
    host METHOD failed: ERROR
    heartbeat from PORT
    hide | quit | ping
    find_available_port START -> PORT
It stops after `quit`, or on SIGINT or SIGTERM, and exits 0.
"""

import argparse
import signal
import socket
import socketserver
import sys
import threading
import urllib.parse
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCServer

GREETING = {"message": "Hello, whomever you are"}

_print_lock = threading.Lock()


def say(line):
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def host_url(port, secret):
    if secret is None:
        return "http://127.0.0.1:%d/pyblish" % port
    return "http://pyblish:%s@127.0.0.1:%d/pyblish" % (urllib.parse.quote(secret, safe=""), port)


def call_host(port, secret):
    proxy = xmlrpc.client.ServerProxy(host_url(port, secret), allow_none=True)
    try:
        say("host ping ok: %s" % proxy.ping()["message"])
    except Exception as e:
        say("host ping failed: %s" % (e,))
    try:
        say("host discover ok: %d plugins" % len(proxy.discover()))
    except Exception as e:
        say("host discover failed: %s" % (e,))
    try:
        say("host context ok: %d instances" % len(proxy.context()["children"]))
    except Exception as e:
        say("host context failed: %s" % (e,))


class UiService:
    """The methods of the UI; names starting with `_` are not served."""

    def __init__(self, secret, quit_server):
        self._secret = secret
        self._quit_server = quit_server

    def show(self, port, settings=None):
        """The host tells where it listens; the UI then asks it for its plugins and context."""
        title = "-"
        if isinstance(settings, dict) and settings.get("WindowTitle") is not None:
            title = str(settings["WindowTitle"])
        say("show from %d title %s" % (port, title))
        threading.Thread(target=call_host, args=(port, self._secret), daemon=True).start()
        return True

    def hide(self):
        """Hides the window."""
        say("hide")
        return True

    def quit(self):
        """Closes the UI once this call is answered."""
        say("quit")
        self._quit_server()
        return True

    def heartbeat(self, port):
        """Someone still listens at `port`."""
        say("heartbeat from %d" % port)
        return None

    def ping(self):
        """Connectivity check."""
        say("ping")
        return dict(GREETING)

    def find_available_port(self, start=9001):
        """The first port from `start` on that 127.0.0.1 can bind."""
        for port in range(start, 65536):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
            say("find_available_port %d -> %d" % (start, port))
            return port
        raise ValueError("no free port from %d on" % start)


class ThreadedServer(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    # Closing the server waits for the calls in flight, so `quit` is answered before the exit.
    daemon_threads = False
    block_on_close = True


def parse_addr(text):
    host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise argparse.ArgumentTypeError("expected HOST:PORT, got %r" % text)
    return host.strip("[]"), int(port)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=parse_addr, default=("127.0.0.1", 9090))
    parser.add_argument("--secret", default=None, help="password for the host's Basic auth")
    args = parser.parse_args()

    server = ThreadedServer(args.listen, allow_none=True, logRequests=False)

    def stop_serving(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    server.register_introspection_functions()
    server.register_instance(UiService(args.secret, stop_serving))
    # In place before the `listening on` line, so a signal right after it stops us cleanly.
    signal.signal(signal.SIGTERM, stop_serving)
    signal.signal(signal.SIGINT, stop_serving)
    host, port = server.server_address[:2]
    say("listening on http://%s:%d/" % (host, port))
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
