"""What the stand-in agents of the shell suites (lab.sh, lab_flows.sh, lab_probe_slots.sh,
agent_receiver.py) share: a quiet HTTP handler that reads JSON bodies, answers JSON and,
like vpnlab-agent, serves nothing without the server's agent token when it is given one.
By default GET answers {} and a pushed document (PUT) its generation.  Each suite writes
its own subclass with the answers its checks need and runs it with serve()."""
import http.server
import json


class StandinAgent(http.server.BaseHTTPRequestHandler):
    token = None  # the server's agent token; None: every request is served

    def log_message(self, *args):  # quiet: the test prints what matters
        pass

    def parse_request(self):
        if not super().parse_request():
            return False
        if self.token is not None and self.headers.get('X-Vpnlab-Agent-Token') != self.token:
            self.answer(403, {'Code': 'Forbidden'})
            return False
        return True

    def do_GET(self):
        self.answer(200, {})

    def do_PUT(self):  # a pushed document: taken, its generation reported applied
        self.answer(200, {'Generation': self.body().get('generation', 0)})

    def body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return json.loads(self.rfile.read(n) or b'{}')

    def answer(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve(handler, port):
    """Serves handler on 127.0.0.1:port, one thread a request, until killed."""
    http.server.ThreadingHTTPServer(('127.0.0.1', port), handler).serve_forever()
