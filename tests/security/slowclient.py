#!/usr/bin/env python3
"""Slow and oversized HTTP clients for tests/security/http_*.sh (loopback only).

  slowclient.py slowloris PORT --count N --bind ADDR --max-held M
      opens N connections from ADDR that send a request line one byte at a time, one byte
      per connection every second, and while they are held sends 10 rounds of /healthz and
      DescribeVpcs from 127.0.0.1, each answered within 10 s; then checks that the server
      holds at most M of the N (the rest it closed). ADDR may be a comma-separated list
      of addresses the N connections are spread over.
  slowclient.py trickle PORT --bind ADDR --interval S --within T
      one connection that never finishes its headers, sending a byte every S seconds
      (far more often than libmicrohttpd's idle timeout); passes when the server closes it
      within T seconds.
  slowclient.py hold PORT --bind ADDR --count N --within T
      N idle connections from ADDR that all stay open (each still answers /healthz when
      asked at the end), then one more that the server closes without an answer; then
      waits (at most T s) until the server closes the N idle ones and checks a new
      connection from ADDR is served again.
Exits 0 on success; prints what failed otherwise.
"""
import argparse
import http.client
import select
import socket
import sys
import threading
import time

REQUEST_LINE = b"GET /?Action=DescribeVpcs&Version=2016-04-28&RegionId=cn-hangzhou&" + b"a" * 4000


def connect(port, bind, timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((bind, 0))
    s.connect(("127.0.0.1", port))
    return s


def closed_by_peer(s):
    """True when the server closed s (EOF or reset); never blocks."""
    try:
        p = select.poll()  # not select(): descriptors may be above 1024
        p.register(s, select.POLLIN)
        if not p.poll(0):
            return False
        return s.recv(4096) == b""
    except OSError:
        return True


def get(port, path, timeout=10, bind="127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(bind, 0))
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def slowloris(a):
    socks = []
    binds = a.bind.split(",")  # the count is spread over these addresses
    for i in range(a.count):
        try:
            socks.append(connect(a.port, binds[i % len(binds)]))
        except OSError as e:  # the listen backlog may refuse some: they hold nothing
            print(f"attacker connect: {e}")
    stop = threading.Event()

    def drip():
        pos = 0
        while not stop.is_set():
            for s in socks:
                try:
                    s.send(REQUEST_LINE[pos:pos + 1])
                except OSError:
                    pass
            pos = (pos + 1) % len(REQUEST_LINE)
            stop.wait(1.0)

    t = threading.Thread(target=drip, daemon=True)
    t.start()
    failures = []
    path = "/?Action=DescribeVpcs&Version=2016-04-28&RegionId=cn-hangzhou"
    for i in range(10):
        for p in ("/healthz", path):
            try:
                status, body = get(a.port, p)
                if status != 200:
                    failures.append(f"round {i} {p}: HTTP {status} {body[:200]!r}")
            except OSError as e:
                failures.append(f"round {i} {p}: no answer within 10 s ({e})")
    # the server accepts and closes what exceeds the per-client limit: wait until the
    # count of connections it still holds stops changing
    held, last = None, -1
    for _ in range(100):
        held = sum(1 for s in socks if not closed_by_peer(s))
        if held == last:
            break
        last = held
        time.sleep(0.2)
    stop.set()
    t.join()
    for s in socks:
        s.close()
    print(f"slowloris: {len(socks)} connections from {a.bind}, server held {held}; "
          f"{20 - len(failures)}/20 requests from 127.0.0.1 answered")
    if held > a.max_held:
        failures.append(f"server held {held} connections from {a.bind}, limit {a.max_held}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


def trickle(a):
    s = connect(a.port, a.bind)
    data = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100000
    start = time.monotonic()
    sent = 0
    while time.monotonic() - start < a.within:
        if closed_by_peer(s):
            print(f"trickle: closed by the server after {sent} bytes, "
                  f"{time.monotonic() - start:.1f} s")
            return 0
        try:
            s.send(data[sent:sent + 1])
            sent += 1
        except OSError:
            print(f"trickle: send failed after {sent} bytes: the server closed it")
            return 0
        time.sleep(a.interval)
    print(f"FAIL: trickle: still open after {a.within} s and {sent} bytes")
    return 1


def hold(a):
    idle = [connect(a.port, a.bind) for _ in range(a.count)]
    extra = connect(a.port, a.bind)
    failures = []
    # one over the limit: accepted by the kernel, closed by the server, never answered
    extra.settimeout(10)
    try:
        extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = extra.recv(4096)
    except OSError:
        answer = b""
    if answer:
        failures.append(f"connection {a.count + 1} from {a.bind} was served: {answer[:60]!r}")
    extra.close()
    try:
        status, _ = get(a.port, "/healthz")
        if status != 200:
            failures.append(f"/healthz from 127.0.0.1: HTTP {status}")
    except OSError as e:
        failures.append(f"/healthz from 127.0.0.1 while {a.bind} is at its limit: {e}")
    # the idle ones were open all along: each answers now
    for i, s in enumerate(idle[:1]):
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            if not s.recv(4096).startswith(b"HTTP/1.1 200"):
                failures.append(f"idle connection {i} was not served")
        except OSError as e:
            failures.append(f"idle connection {i}: {e}")
    # the deadline closes idle connections too (here the rest, and the served one later)
    deadline = time.monotonic() + a.within
    while time.monotonic() < deadline and not all(closed_by_peer(s) for s in idle):
        time.sleep(0.2)
    still = sum(1 for s in idle if not closed_by_peer(s))
    if still:
        failures.append(f"{still} idle connections still open after {a.within} s")
    for s in idle:
        s.close()
    try:
        status, _ = get(a.port, "/healthz", bind=a.bind)
        if status != 200:
            failures.append(f"/healthz from {a.bind} after its slots were freed: HTTP {status}")
    except OSError as e:
        failures.append(f"/healthz from {a.bind} after its slots were freed: {e}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["slowloris", "trickle", "hold"])
    ap.add_argument("port", type=int)
    ap.add_argument("--bind", default="127.0.0.2")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--max-held", type=int, default=200)
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("--within", type=float, default=30)
    a = ap.parse_args()
    return {"slowloris": slowloris, "trickle": trickle, "hold": hold}[a.mode](a)


if __name__ == "__main__":
    sys.exit(main())
