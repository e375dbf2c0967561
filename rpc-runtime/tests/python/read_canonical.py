"""Reads XML-RPC documents with Python's own xmlrpc.client and prints a canonical form.

Input on stdin: documents, each as its length in bytes in decimal, a newline, then the
bytes. Output: one line per document:

    R <params>              a methodResponse with these params
    C <method> <params>     a methodCall of <method> (hex of its UTF-8) with these params
    F <code> <string>       a fault (string as hex of its UTF-8)
    E <error>               loads raised something else

Values are written as: n (None), b:0/1, i:<decimal>, d:<16 hex digits of the IEEE bits>,
s:<hex of UTF-8>, x:<hex of bytes>, t:YYYYMMDDTHH:MM:SS, [v,v,...], {hexname=v,...}.
"""
import struct
import sys
import xmlrpc.client
from datetime import datetime


def canon(v):
    if v is None:
        return "n"
    if isinstance(v, bool):
        return "b:%d" % v
    if isinstance(v, int):
        return "i:%d" % v
    if isinstance(v, float):
        return "d:" + struct.pack(">d", v).hex()
    if isinstance(v, str):
        return "s:" + v.encode("utf-8", "surrogatepass").hex()
    if isinstance(v, (bytes, bytearray)):
        return "x:" + bytes(v).hex()
    if isinstance(v, datetime):
        return "t:%04d%02d%02dT%02d:%02d:%02d" % (
            v.year, v.month, v.day, v.hour, v.minute, v.second)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(canon(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(
            k.encode("utf-8", "surrogatepass").hex() + "=" + canon(x)
            for k, x in v.items()) + "}"
    return "?" + type(v).__name__


def main():
    data = sys.stdin.buffer.read()
    pos = 0
    out = []
    while pos < len(data):
        nl = data.index(b"\n", pos)
        n = int(data[pos:nl])
        doc = data[nl + 1:nl + 1 + n]
        pos = nl + 1 + n
        try:
            params, method = xmlrpc.client.loads(doc, use_builtin_types=True)
            if method is None:
                out.append("R " + canon(params))
            else:
                out.append("C " + method.encode("utf-8", "surrogatepass").hex()
                           + " " + canon(params))
        except xmlrpc.client.Fault as f:
            out.append("F %s %s" % (f.faultCode,
                                    f.faultString.encode("utf-8", "surrogatepass").hex()))
        except Exception as e:  # reported to the Rust side, which fails the test
            out.append("E " + repr(e).replace("\n", " "))
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))


main()
