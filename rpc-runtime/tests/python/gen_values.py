"""Random XML-RPC values written by Python's own marshaller, for the Rust decoder to read.

Usage: gen_values.py SEED COUNT

Prints one line per value: the hex of the bytes `xmlrpc.client.dumps((v,),
methodresponse=True, allow_none=True)` produced, a space, and the value the decoder must
return, in prefix notation with space-separated tokens:

    i:<int>  b:<0|1>  s:<hex of UTF-8>  d:<repr of float>  t:<YYYYMMDDTHH:MM:SS>
    x:<hex of bytes>  n  a:<count> <items...>  m:<count> <hex key> <value> ...

Strings are described as an XML 1.0 parser must return them: CR LF and lone CR
(which Python writes raw) become LF.
"""

import datetime
import random
import sys
import xmlrpc.client


def xml_char(rng):
    r = rng.random()
    if r < 0.55:
        return chr(rng.randint(0x20, 0x7E))
    if r < 0.62:
        return rng.choice("\t\n\r<>&\"'")
    if r < 0.80:
        c = rng.randint(0xA0, 0xD7FF)
        return chr(c)
    if r < 0.88:
        return chr(rng.randint(0xE000, 0xFFFD))
    return chr(rng.randint(0x10000, 0x10FFFF))


def text(rng, max_len=12):
    return "".join(xml_char(rng) for _ in range(rng.randint(0, max_len)))


def normalize(s):
    return s.replace("\r\n", "\n").replace("\r", "\n")


def double(rng):
    special = [0.0, -0.0, 1e16, 5e-324, 1e-7, 0.1, 1.7976931348623157e308, -2.5, 123456789.0]
    if rng.random() < 0.3:
        return rng.choice(special)
    return rng.uniform(-1e6, 1e6) * (10 ** rng.randint(-20, 20))


def value(rng, depth):
    kinds = ["int", "bool", "str", "double", "datetime", "bytes", "nil"]
    if depth < 4:
        kinds += ["array", "struct"] * 2
    k = rng.choice(kinds)
    if k == "int":
        v = rng.choice([rng.randint(-2**31, 2**31 - 1), 0, -1, 2**31 - 1, -2**31])
        return v, ["i:%d" % v]
    if k == "bool":
        v = rng.random() < 0.5
        return v, ["b:%d" % v]
    if k == "str":
        v = text(rng)
        return v, ["s:" + normalize(v).encode("utf-8").hex()]
    if k == "double":
        v = double(rng)
        return v, ["d:" + repr(v)]
    if k == "datetime":
        v = datetime.datetime(
            rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28),
            rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
        )
        return v, ["t:" + v.strftime("%4Y%m%dT%H:%M:%S")]
    if k == "bytes":
        v = bytes(rng.randint(0, 255) for _ in range(rng.choice([0, 1, 2, 3, 57, 58, 100])))
        return v, ["x:" + v.hex()]
    if k == "nil":
        return None, ["n"]
    if k == "array":
        items = [value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
        out = ["a:%d" % len(items)]
        for _, d in items:
            out += d
        return [v for v, _ in items], out
    # struct: keys unique after end-of-line normalisation
    members = {}
    seen = set()
    desc = []
    for _ in range(rng.randint(0, 4)):
        key = text(rng, 6)
        if normalize(key) in seen:
            continue
        seen.add(normalize(key))
        v, d = value(rng, depth + 1)
        members[key] = v
        desc.append((key, d))
    out = ["m:%d" % len(desc)]
    for key, d in desc:
        out.append(normalize(key).encode("utf-8").hex())
        out += d
    return members, out


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        v, desc = value(rng, 1)
        xml = xmlrpc.client.dumps((v,), methodresponse=True, allow_none=True)
        lines.append(xml.encode("utf-8").hex() + " " + " ".join(desc))
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
