#!/usr/bin/env python3
"""A Pyblish host as pyblish-rpc builds it, on the standard library only.

A threaded SimpleXMLRPCServer with allow_none=True, serving at /pyblish, with the
introspection functions and an optional shared-secret check (HTTP 401 without it). Once it
accepts connections it prints `listening on http://HOST:PORT/pyblish`, tells the UI at
http://127.0.0.1:UI_PORT/ where it listens (`show`), then sends it a `heartbeat` at a fixed
interval from a thread of its own, also while a long `process` call runs.

Output lines (stdout, flushed), the same as examples/pyblish_host.rs:
    listening on http://HOST:PORT/pyblish
    ui show ok: true | ui show failed: ERROR
    ui heartbeat ok | ui heartbeat failed: ERROR
    call METHOD                      (every call of a host method)
    emit SIGNAL (KWARG, ...)          (the names of the kwargs members, in wire order)
It stops on SIGINT or SIGTERM and exits 0.
"""

import argparse
import base64
import copy
import signal
import socketserver
import sys
import threading
import time
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

GREETING = {"message": "Hello, whomever you are"}

_print_lock = threading.Lock()


def say(line):
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def sample_plugins():
    """The plugins `discover` returns: a collector, a validator with a repair, a slow extractor."""
    return [
        {
            "id": "CollectInstances",
            "name": "CollectInstances",
            "label": "Collect instances",
            "type": "Collector",
            "order": 0.0,
            "families": ["*"],
            "optional": False,
            "hasRepair": False,
            "doc": "Finds the instances of the scene.",
            "actions": [],
            "process": {"args": ["context"]},
            "repair": {"args": []},
        },
        {
            "id": "ValidateNaming",
            "name": "ValidateNaming",
            "label": "Validate naming",
            "type": "Validator",
            "order": 1.0,
            "families": ["model", "rig"],
            "optional": True,
            "hasRepair": True,
            "doc": "Instance names start with a capital letter.",
            "actions": [{"id": "SelectInvalid", "label": "Select invalid", "on": "failed"}],
            "process": {"args": ["instance"]},
            "repair": {"args": ["instance"]},
        },
        {
            "id": "ExtractSlowly",
            "name": "ExtractSlowly",
            "label": "Extract (slow)",
            "type": "Extractor",
            "order": 2.0,
            "families": ["*"],
            "optional": False,
            "hasRepair": False,
            "doc": "Writes each instance to disk; takes a while.",
            "actions": [],
            "process": {"args": ["instance"]},
            "repair": {"args": []},
        },
    ]


def sample_context():
    """The context `context` returns: two instances, one of them badly named."""
    return {
        "data": {
            "label": "Scene",
            "currentFile": "scene.ma",
            "user": "artist",
            "comment": None,
        },
        "children": [
            {
                "name": "Peter01",
                "id": "Peter01",
                "data": {"family": "rig", "publish": True, "label": "Peter01", "frames": [1, 100]},
                "children": [],
            },
            {
                "name": "richard05",
                "id": "richard05",
                "data": {"family": "model", "publish": True, "label": "richard05", "frames": [1, 1]},
                "children": [],
            },
        ],
    }


class HostService:
    """The methods of the host; names starting with `_` are not served."""

    def __init__(self, process_delay_ms):
        self._lock = threading.Lock()
        self._count = 0
        self._delay = process_delay_ms / 1000.0
        self._plugins = sample_plugins()
        self._context = sample_context()

    def _hit(self, method):
        with self._lock:
            self._count += 1
            count = self._count
        say("call " + method)
        return count

    def _find_plugin(self, plugin):
        wanted = plugin.get("id") or plugin.get("name") if isinstance(plugin, dict) else plugin
        for p in self._plugins:
            if p["id"] == wanted:
                return p
        raise ValueError("no plugin %r" % (wanted,))

    def _find_instance(self, instance):
        if instance is None:
            return None
        wanted = instance.get("id") or instance.get("name") if isinstance(instance, dict) else instance
        with self._lock:
            for i in self._context["children"]:
                if i["id"] == wanted:
                    return i
        raise ValueError("no instance %r" % (wanted,))

    def ping(self):
        """Connectivity check."""
        self._hit("ping")
        return dict(GREETING)

    def stats(self):
        """How many host calls were served, this one included."""
        return {"totalRequestCount": self._hit("stats")}

    def reset(self):
        """Back to the freshly collected scene."""
        self._hit("reset")
        with self._lock:
            self._context = sample_context()
        return None

    def context(self):
        """The context and its instances."""
        self._hit("context")
        with self._lock:
            return copy.deepcopy(self._context)

    def discover(self):
        """The plugins, in processing order."""
        self._hit("discover")
        return copy.deepcopy(self._plugins)

    def process(self, plugin, instance=None, action=None):
        """Runs a plugin, on an instance when it processes instances."""
        self._hit("process")
        start = time.monotonic()
        p = self._find_plugin(plugin)
        inst = self._find_instance(instance)
        records = []
        error = None
        if action is not None:
            known = [a["id"] for a in p["actions"]]
            if action not in known:
                raise ValueError("plugin %s has no action %r" % (p["id"], action))
            records.append(log_record(p, "running action %s" % action))
        elif p["process"]["args"] == ["instance"] and inst is None:
            error = {"message": "%s processes instances; none given" % p["id"]}
        elif p["id"] == "CollectInstances":
            with self._lock:
                n = len(self._context["children"])
            records.append(log_record(p, "collected %d instances" % n))
        elif p["id"] == "ValidateNaming":
            if inst["name"][:1].isupper():
                records.append(log_record(p, "%s is named well" % inst["name"]))
            else:
                error = {"message": "%s must start with a capital letter" % inst["name"]}
        elif p["id"] == "ExtractSlowly":
            time.sleep(self._delay)
            records.append(log_record(p, "extracted %s" % inst["name"]))
        return {
            "success": error is None,
            "plugin": p["id"],
            "instance": None if inst is None else inst["id"],
            "action": action,
            "error": error,
            "records": records,
            "duration": (time.monotonic() - start) * 1000.0,
        }

    def repair(self, plugin, instance=None):
        """Repairs what a plugin found wrong, on one instance or on all of them."""
        self._hit("repair")
        start = time.monotonic()
        p = self._find_plugin(plugin)
        inst = self._find_instance(instance)
        records = []
        error = None
        if not p["hasRepair"]:
            error = {"message": "%s has no repair" % p["id"]}
        else:
            with self._lock:
                targets = self._context["children"] if inst is None else [inst]
                for i in targets:
                    if not i["name"][:1].isupper():
                        fixed = i["name"][:1].upper() + i["name"][1:]
                        records.append(log_record(p, "renamed %s to %s" % (i["name"], fixed)))
                        i["name"] = fixed
                        i["data"]["label"] = fixed
        return {
            "success": error is None,
            "plugin": p["id"],
            "instance": None if inst is None else inst["id"],
            "action": None,
            "error": error,
            "records": records,
            "duration": (time.monotonic() - start) * 1000.0,
        }

    def emit(self, signal_name, kwargs):
        """Tells the host that something happened in the UI."""
        self._hit("emit")
        names = list(kwargs) if isinstance(kwargs, dict) else []
        say("emit %s (%s)" % (signal_name, ", ".join(names)))
        return None


def log_record(plugin, message):
    return {"name": plugin["id"], "levelname": "INFO", "message": message}


class ThreadedServer(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True


def handler_class(secret):
    class Handler(SimpleXMLRPCRequestHandler):
        rpc_paths = ("/pyblish",)

        def parse_request(self):
            if not SimpleXMLRPCRequestHandler.parse_request(self):
                return False
            if secret is None or authorized(self.headers.get("Authorization"), secret):
                return True
            self.send_error(401, "Authentication failed")
            return False

    return Handler


def authorized(header, secret):
    if not header or not header.startswith("Basic "):
        return False
    try:
        user_pass = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    _, sep, password = user_pass.partition(":")
    return sep == ":" and password == secret


class TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn


def ui_proxy(ui_port):
    return xmlrpc.client.ServerProxy(
        "http://127.0.0.1:%d/" % ui_port, allow_none=True, transport=TimeoutTransport(10.0)
    )


def talk_to_ui(ui_port, host_port, interval, stop):
    try:
        shown = ui_proxy(ui_port).show(host_port, {"WindowTitle": "Pyblish (python host)", "WindowSize": [430, 600]})
        say("ui show ok: %s" % (str(shown).lower(),))
    except Exception as e:  # reported, the heartbeats go on
        say("ui show failed: %s" % (e,))
    proxy = ui_proxy(ui_port)
    while not stop.wait(interval):
        try:
            proxy.heartbeat(host_port)
            say("ui heartbeat ok")
        except Exception as e:
            say("ui heartbeat failed: %s" % (e,))
            proxy = ui_proxy(ui_port)


def parse_addr(text):
    host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise argparse.ArgumentTypeError("expected HOST:PORT, got %r" % text)
    return host.strip("[]"), int(port)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=parse_addr, default=("127.0.0.1", 0))
    parser.add_argument("--ui-port", type=int, default=9090)
    parser.add_argument("--secret", default=None)
    parser.add_argument("--process-delay-ms", type=int, default=3000)
    parser.add_argument("--heartbeat-ms", type=int, default=1000)
    args = parser.parse_args()

    server = ThreadedServer(
        args.listen, requestHandler=handler_class(args.secret), allow_none=True, logRequests=False
    )
    server.register_introspection_functions()
    server.register_instance(HostService(args.process_delay_ms), allow_dotted_names=True)

    def stop_serving(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    # In place before the `listening on` line, so a signal right after it stops us cleanly.
    signal.signal(signal.SIGTERM, stop_serving)
    signal.signal(signal.SIGINT, stop_serving)
    host, port = server.server_address[:2]
    say("listening on http://%s:%d/pyblish" % (host, port))

    stop = threading.Event()
    ui = threading.Thread(
        target=talk_to_ui, args=(args.ui_port, port, args.heartbeat_ms / 1000.0, stop), daemon=True
    )
    ui.start()
    server.serve_forever()
    stop.set()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
