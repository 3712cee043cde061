"""The article's Flask app: the page says which service and which container answered."""
import os
import socket

from flask import Flask, jsonify, request
from markupsafe import escape
from werkzeug.middleware.proxy_fix import ProxyFix

SERVICE = os.environ["WEBSTACK_SERVICE"]
VERSION = os.environ["WEBSTACK_VERSION"]
CONTAINER = socket.gethostname()

app = Flask(__name__)
# nginx is the only peer that can reach the app, and it sets X-Forwarded-For (the client it saw, on aws
# from the load balancer's PROXY header), -Proto and -Host (a configured host name) on every request,
# replacing whatever a client sent (nginx/edge.ts). Only those three are trusted, one hop each; nginx
# clears X-Forwarded-Port and -Prefix, and they are not trusted either (x_port=0, x_prefix=0).
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=0, x_prefix=0)


def _identity_headers():
    return {"X-Webstack-Service": SERVICE, "X-Webstack-Version": VERSION, "X-Webstack-Container": CONTAINER}


@app.get("/")
def index():
    body = (
        "<!doctype html><title>webstack</title>"
        f"<h1>Hello from {escape(SERVICE)}</h1>"
        f"<p>version <b>{escape(VERSION)}</b></p>"
        f"<p>container <b>{escape(CONTAINER)}</b>, worker pid {os.getpid()}</p>"
        f"<p>client {escape(request.remote_addr or '-')} via {escape(request.scheme)}</p>"
    )
    return body, 200, _identity_headers()


@app.get("/healthz")  # lib/runtime.ts APP_HEALTH_PATH (checked by test/unit/runtimeContract.test.ts)
def healthz():
    return jsonify(status="ok", service=SERVICE, version=VERSION, container=CONTAINER), 200, _identity_headers()
