#!/usr/bin/env python3
"""Drives a Pyblish host or UI the way their Python peers call them, and checks the answers.

    pyblish_probe.py host URL [--secret S]     every host method, omitted trailing parameters,
                                               nil results, faults, introspection, the secret check
    pyblish_probe.py slow URL [--secret S]     a long `process` call while other calls are served
    pyblish_probe.py ui URL --host-port PORT   every UI method except quit
    pyblish_probe.py quit URL                  `quit`

Each check prints `ok: WHAT`; a failed check prints `FAILED: WHAT` and the exit status is 1.
"""

import argparse
import socket
import sys
import threading
import time
import urllib.parse
import xmlrpc.client

GREETING = {"message": "Hello, whomever you are"}
HOST_METHODS = ["context", "discover", "emit", "ping", "process", "repair", "reset", "stats"]
UI_METHODS = ["find_available_port", "heartbeat", "hide", "ping", "quit", "show"]

failures = []


def check(cond, what):
    if cond:
        print("ok: " + what, flush=True)
    else:
        print("FAILED: " + what, flush=True)
        failures.append(what)


def with_password(url, user, password):
    parts = urllib.parse.urlsplit(url)
    netloc = "%s:%s@%s" % (
        urllib.parse.quote(user, safe=""),
        urllib.parse.quote(password, safe=""),
        parts.netloc,
    )
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def proxy(url, secret=None):
    if secret is not None:
        url = with_password(url, "pyblish", secret)
    return xmlrpc.client.ServerProxy(url, allow_none=True)


def expect_fault(fn, what):
    try:
        fn()
    except xmlrpc.client.Fault as f:
        check(isinstance(f.faultCode, int) and f.faultString != "", what + " (fault %d)" % f.faultCode)
        return
    except Exception as e:  # anything else is a failure too
        check(False, "%s: %r instead of a fault" % (what, e))
        return
    check(False, what + ": no fault")


def expect_status(fn, status, what):
    try:
        fn()
    except xmlrpc.client.ProtocolError as e:
        check(e.errcode == status, "%s: HTTP %d" % (what, e.errcode))
        return
    except Exception as e:
        check(False, "%s: %r instead of HTTP %d" % (what, e, status))
        return
    check(False, "%s: answered, expected HTTP %d" % (what, status))


def is_result(r):
    keys = {"success", "plugin", "instance", "error", "records", "duration"}
    return isinstance(r, dict) and keys <= set(r) and isinstance(r["records"], list)


def probe_host(url, secret):
    p = proxy(url, secret)
    check(p.ping() == GREETING, "ping greets")

    a = p.stats()["totalRequestCount"]
    b = p.stats()["totalRequestCount"]
    check(isinstance(a, int) and b == a + 1, "stats counts requests (%r then %r)" % (a, b))

    check(p.reset() is None, "reset returns nil")

    ctx = p.context()
    children = ctx.get("children", [])
    check(isinstance(ctx.get("data"), dict), "context has data")
    check(len(children) >= 2, "context has instances")
    check(
        all({"name", "id", "data", "children"} <= set(i) for i in children),
        "instances have name, id, data and children",
    )
    check(ctx["data"].get("comment", 0) is None, "nil inside a struct comes back as None")
    by_name = {i["name"]: i for i in children}
    check("richard05" in by_name and "Peter01" in by_name, "the sample instances are there")

    plugins = p.discover()
    check(isinstance(plugins, list) and len(plugins) >= 3, "discover lists plugins")
    check(
        all(
            isinstance(pl.get("name"), str)
            and isinstance(pl.get("order"), (int, float))
            and isinstance(pl.get("families"), list)
            and isinstance(pl.get("process", {}).get("args"), list)
            for pl in plugins
        ),
        "plugins have name, order, families and process.args",
    )
    by_id = {pl["id"]: pl for pl in plugins}
    collect, validate, extract = (
        by_id.get("CollectInstances"),
        by_id.get("ValidateNaming"),
        by_id.get("ExtractSlowly"),
    )
    check(None not in (collect, validate, extract), "the sample plugins are there")
    if failures:
        return

    r = p.process(collect)
    check(is_result(r), "process(plugin) with instance and action left out")
    check(r["success"] is True and r["instance"] is None and r["error"] is None, "a context plugin succeeds, instance nil")
    check(r["plugin"] == "CollectInstances" and len(r["records"]) == 1, "the result names the plugin and logs")

    r = p.process(validate, by_name["richard05"], None)
    check(is_result(r) and r["success"] is False, "validation fails on a bad name")
    check(isinstance(r["error"], dict) and "capital" in r["error"].get("message", ""), "the error says why")
    check(r["instance"] == "richard05", "the result names the instance")

    r = p.process(validate)
    check(is_result(r) and r["success"] is False and "none given" in r["error"]["message"], "instance plugin without instance")

    r = p.process(validate, by_name["Peter01"], "SelectInvalid")
    check(is_result(r) and r["success"] is True and r["action"] == "SelectInvalid", "process with an action")

    r = p.repair(validate)
    check(is_result(r), "repair(plugin) with instance left out")
    check(r["success"] is True and r["instance"] is None, "repair of all instances succeeds")
    check(any("richard05" in rec.get("message", "") for rec in r["records"]), "repair logs the rename")

    names = sorted(i["name"] for i in p.context()["children"])
    check(names == ["Peter01", "Richard05"], "the repair renamed the instance (%r)" % names)
    r = p.process(validate, {"id": "richard05"})
    check(is_result(r) and r["success"] is True, "validation passes after the repair")

    r = p.process({"id": "CollectInstances", "order": 7, "families": "not a list", "extra": [None]})
    check(is_result(r) and r["success"] is True, "a plugin is named by its id; other members are skipped")
    r = p.process({"name": "ValidateNaming"}, {"name": "Peter01"})
    check(is_result(r) and r["success"] is True and r["instance"] == "Peter01", "or by its name")

    r = p.repair(collect, by_name["Peter01"])
    check(is_result(r) and r["success"] is False and r["error"] is not None, "repair of a plugin without one")

    check(p.reset() is None, "reset returns nil again")
    names = sorted(i["name"] for i in p.context()["children"])
    check(names == ["Peter01", "richard05"], "reset restores the scene (%r)" % names)

    check(p.emit("published", {"count": 2, "comment": None}) is None, "emit returns nil")
    check(p.emit("validated", {}) is None, "emit with empty kwargs returns nil")

    expect_fault(lambda: p.process({"id": "NoSuchPlugin", "name": "NoSuchPlugin"}), "unknown plugin")
    expect_fault(lambda: p.process(collect, {"id": "nobody"}), "unknown instance")
    expect_fault(lambda: p.process(), "process without a plugin")
    expect_fault(lambda: p.nosuch(), "unknown method")

    listed = p.system.listMethods()
    check(all(m in listed for m in HOST_METHODS), "system.listMethods lists the host methods")
    other = urllib.parse.urlsplit(url)._replace(path="/RPC2").geturl()
    expect_status(lambda: proxy(other, secret).ping(), 404, "only /pyblish is served")
    check(isinstance(p.system.methodHelp("process"), str), "system.methodHelp answers")

    if secret is not None:
        expect_status(lambda: proxy(url).ping(), 401, "no credentials")
        expect_status(lambda: proxy(with_password(url, "pyblish", secret + "x")).ping(), 401, "wrong password")
        check(proxy(with_password(url, "anyone", secret)).ping() == GREETING, "any user name with the password")


def probe_slow(url, secret):
    p = proxy(url, secret)
    extract = [pl for pl in p.discover() if pl["id"] == "ExtractSlowly"][0]
    instance = [i for i in p.context()["children"] if i["name"] == "Peter01"][0]
    before = p.stats()["totalRequestCount"]

    outcome = {}

    def run():
        try:
            outcome["result"] = proxy(url, secret).process(extract, instance)
        except Exception as e:
            outcome["error"] = e

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    # Each stats call counts itself; one more means the host has started the process call.
    started = False
    for i in range(1, 1001):
        count = p.stats()["totalRequestCount"]
        if count >= before + i + 1:
            started = True
            break
        time.sleep(0.01)
    check(started, "the host started the long process call")
    check(p.ping() == GREETING, "ping answered during the long process call")
    check(worker.is_alive(), "the long process call was still running")
    worker.join(120)
    check(not worker.is_alive(), "the long process call finished")
    r = outcome.get("result")
    check(is_result(r) and r["success"] is True, "the long process call succeeded: %r" % (outcome,))


def probe_ui(url, host_port):
    p = xmlrpc.client.ServerProxy(url, allow_none=True)
    check(p.ping() == GREETING, "ui ping greets")
    check(p.heartbeat(54321) is None, "heartbeat returns nil")
    check(p.hide() is True, "hide returns true")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        taken = held.getsockname()[1]
        port = p.find_available_port(taken)
        check(isinstance(port, int) and taken < port < 65536, "find_available_port skips a taken port (%r)" % port)
    check(p.show(host_port) is True, "show(port) with settings left out")
    listed = p.system.listMethods()
    check(all(m in listed for m in UI_METHODS), "system.listMethods lists the UI methods")
    expect_fault(lambda: p.heartbeat(), "heartbeat without a port")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["host", "slow", "ui", "quit"])
    parser.add_argument("url")
    parser.add_argument("--secret", default=None)
    parser.add_argument("--host-port", type=int, default=None)
    args = parser.parse_args()
    if args.mode == "host":
        probe_host(args.url, args.secret)
    elif args.mode == "slow":
        probe_slow(args.url, args.secret)
    elif args.mode == "ui":
        probe_ui(args.url, args.host_port)
    else:
        check(xmlrpc.client.ServerProxy(args.url, allow_none=True).quit() is True, "quit returns true")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
