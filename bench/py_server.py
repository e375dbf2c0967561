"""Python 3's stdlib XML-RPC server as the bench measures it: SimpleXMLRPCServer with
`add` and `echo`, bound to 127.0.0.1 on a free port, printing `LISTENING <port>`.

It answers HTTP/1.0 and closes the connection after each reply (its request handler's
protocol version), and serves one request at a time. The only change from the defaults:
a listen backlog of 128 instead of 5, so that 32 clients reconnecting at once are queued
rather than dropped (a dropped SYN costs a client a 1 s retransmission).
"""

import sys
from xmlrpc.server import SimpleXMLRPCServer


class Server(SimpleXMLRPCServer):
    request_queue_size = 128


def add(a, b):
    return a + b


def echo(items):
    return items


def main():
    server = Server(("127.0.0.1", 0), logRequests=False)
    server.register_function(add, "add")
    server.register_function(echo, "echo")
    print("LISTENING", server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
