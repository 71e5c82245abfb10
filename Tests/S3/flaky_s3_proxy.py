"""An S3 endpoint that fails every third request, in front of a real one (moto's server).

    python3 flaky_s3_proxy.py LISTEN_PORT UPSTREAM_PORT

The failures alternate between the two a client must survive:
- refused: the request is answered 500 InternalError and never reaches the server;
- lost: the request is done by the server, then the connection is closed before the answer,
  so the client must find out that what it retries already happened (a completed upload).
A creation of a multipart upload (POST ?uploads) is never lost: retried, it would make a second
upload, and the first is left for the bucket's AbortIncompleteMultipartUpload rule, which is an
operator's matter (docs/deployment.md), not something a test can wait for.

Every failure is printed, so a test can check that failures happened.
"""

import http.client
import http.server
import socket
import sys
import threading

LISTEN_PORT, UPSTREAM_PORT = int(sys.argv[1]), int(sys.argv[2])
counter_lock = threading.Lock()
counter = 0

ERROR_BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b"<Error><Code>InternalError</Code><Message>failing on purpose</Message></Error>"
)


class FlakyProxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        global counter
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        with counter_lock:
            counter += 1
            number = counter
        failing = number % 3 == 0
        query = [pair.split("=", 1)[0] for pair in self.path.partition("?")[2].split("&")]
        creation = self.command == "POST" and "uploads" in query
        if failing and ((number // 3) % 2 == 1 or creation):
            print(f"refused {number}: {self.command} {self.path}", flush=True)
            self.send_response(500)
            self.send_header("Content-Type", "application/xml")
            # An answer to HEAD has no body, whatever its Content-Length says.
            self.send_header("Content-Length", str(len(ERROR_BODY)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(ERROR_BODY)
            return
        upstream = http.client.HTTPConnection("127.0.0.1", UPSTREAM_PORT, timeout=120)
        upstream.request(self.command, self.path, body=body, headers=dict(self.headers.items()))
        answer = upstream.getresponse()
        data = answer.read()
        upstream.close()
        if failing:
            print(f"lost {number}: {self.command} {self.path}", flush=True)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length", "date", "server"):
                self.send_header(name, value)
        if self.command == "HEAD":
            self.send_header("Content-Length", answer.getheader("Content-Length") or "0")
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward


http.server.ThreadingHTTPServer.daemon_threads = True
print("listening", flush=True)
http.server.ThreadingHTTPServer(("127.0.0.1", LISTEN_PORT), FlakyProxy).serve_forever()
