#!/usr/bin/env python3
"""Plays the HTTP side of a data-plane agent for tests/api/agents.sh.

PUT /v1/desired: stores the body as DIR/NNNN.json (N counts from 1) and the
X-Vpnlab-Agent-Token header it came with as DIR/NNNN.token, then answers
200 {"Generation": <the document's generation>}; with --token, a request with another
token gets 403 and is not stored.  GET /healthz: 200.  The chosen port is written to
--port-file once the socket listens (--port, default: any free one).
"""
import argparse
import json
import os
import threading
from http.server import ThreadingHTTPServer

from standin_agent import StandinAgent

ARGS = None
LOCK = threading.Lock()
COUNT = [0]


class Handler(StandinAgent):
    # token stays None: do_PUT checks --token itself, and /healthz answers without one
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/healthz":
            self.answer(200, {"ok": True})
        else:
            self.answer(404, {"Code": "NotFound"})

    def do_PUT(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        token = self.headers.get("X-Vpnlab-Agent-Token", "")
        if self.path != "/v1/desired":
            self.answer(404, {"Code": "NotFound"})
            return
        if ARGS.token and token != ARGS.token:
            self.answer(403, {"Code": "Forbidden"})
            return
        try:
            doc = json.loads(body)
            generation = int(doc["generation"])
        except (ValueError, KeyError, TypeError):
            self.answer(400, {"Code": "InvalidDocument", "Message": "not a document"})
            return
        with LOCK:
            COUNT[0] += 1
            n = COUNT[0]
        base = os.path.join(ARGS.dir, "%04d" % n)
        with open(base + ".token.tmp", "w") as f:
            f.write(token)
        os.rename(base + ".token.tmp", base + ".token")
        with open(base + ".json.tmp", "wb") as f:
            f.write(body)
        os.rename(base + ".json.tmp", base + ".json")
        self.answer(200, {"Generation": generation})


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--port", type=int, default=0)
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
