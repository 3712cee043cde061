"""Real Gunicorn Response objects with app/gunicorn.conf.py loaded: what reaches the socket, write by write."""
import json
import os
import runpy

os.environ.update(WEBSTACK_APP_PORT="8000", GUNICORN_WORKERS="1", GUNICORN_THREADS="1", GUNICORN_KEEPALIVE_SEC="5",
                  GUNICORN_GRACEFUL_TIMEOUT_SEC="5", WEBSTACK_LAME_DUCK_SEC="0")
runpy.run_path("/app/gunicorn.conf.py")

from gunicorn.config import Config  # noqa: E402
from gunicorn.http.wsgi import Response  # noqa: E402


class Sock:
    def __init__(self):
        self.writes = []

    def sendall(self, data):
        self.writes.append(bytes(data))


class Req:
    version = (1, 1)
    method = "GET"
    headers = []
    path = "/"

    def should_close(self):
        return False


def run(method, body):
    sock, req = Sock(), Req()
    req.method = method
    resp = Response(req, sock, Config())
    resp.start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    resp.write(body)
    resp.close()
    return [w.decode("latin-1") for w in sock.writes]


print(json.dumps({"GET": run("GET", b"hello"), "HEAD": run("HEAD", b"hello")}))
