"""Gunicorn settings. Every number comes from lib/runtime.ts (appEnvironment) through the environment;
a missing one stops the container at start instead of running with a guess."""
import errno
import os
import signal
import socket
import threading

bind = f"0.0.0.0:{int(os.environ['WEBSTACK_APP_PORT'])}"
workers = int(os.environ["GUNICORN_WORKERS"])
# gthread keeps nginx's upstream keep-alive connections open without pinning a whole worker to each.
worker_class = "gthread"
threads = int(os.environ["GUNICORN_THREADS"])
# Longer than nginx's upstream keepalive_timeout, so nginx, not Gunicorn, closes idle connections
# and never reuses a socket Gunicorn has just closed.
keepalive = int(os.environ["GUNICORN_KEEPALIVE_SEC"])
timeout = 30
# The drain: after SIGTERM (and the lame duck), in-flight requests get this long to finish.
graceful_timeout = int(os.environ["GUNICORN_GRACEFUL_TIMEOUT_SEC"])
# Only the proxy can reach the app (it is never published), so its X-Forwarded-* headers are trusted.
forwarded_allow_ips = "*"
# Heartbeat files on tmpfs: the root filesystem is read-only and /tmp may be slow disk.
worker_tmp_dir = "/dev/shm"
accesslog = None
errorlog = "-"
loglevel = "info"
# Gunicorn >= 25 starts a control socket server (under $HOME, which the app user does not have);
# nothing here uses it, and stopping it delays every shutdown by about 5 s. Older Gunicorn ignores
# this name.
control_socket_disable = True


LAME_DUCK_SEC = float(os.environ["WEBSTACK_LAME_DUCK_SEC"])


def when_ready(server):
    """SIGTERM: serve on for the lame duck, then refuse new connections at once, then drain.

    The lame duck lets a name service that deregisters the replica first (Cloud Map) stop sending
    it new requests. Then the listening socket is shut down in the master: workers share it, so
    from that moment a new connection is refused (nginx retries another peer at once) instead of
    queueing in the backlog of a worker that is about to exit.
    """
    stop = server.handle_term
    lame_duck = {"started": False}

    def refuse_then_stop():
        for listener in server.LISTENERS:
            try:
                listener.sock.shutdown(socket.SHUT_RD)
            except OSError as e:  # already closed: nothing left to refuse
                server.log.warning("webstack: shutdown of %s: %s", listener, e)
        stop()

    def handle_term():
        if LAME_DUCK_SEC <= 0 or lame_duck["started"]:
            refuse_then_stop()
            return
        lame_duck["started"] = True
        server.log.info("webstack: SIGTERM; serving for the %ss lame duck, then draining", LAME_DUCK_SEC)

        # The second SIGTERM goes through Gunicorn's own signal queue (its type differs between
        # versions), and finds the lame duck started.
        threading.Timer(LAME_DUCK_SEC, os.kill, (os.getpid(), signal.SIGTERM)).start()

    # The arbiter looks handlers up by name on the instance for every queued signal.
    server.handle_term = handle_term


def post_worker_init(worker):
    """On SIGTERM, let idle keep-alive connections go at once instead of after `keepalive`.

    Gunicorn's gthread worker drains by waiting until every connection is closed, idle keep-alive
    ones included, for up to graceful_timeout. Meanwhile its listening socket stays open, so new
    connections from nginx queue in the backlog and hang. Expiring the idle ones lets the worker
    finish its in-flight requests and exit within a second; nginx sees the closed connections and
    the refused port and retries another replica.
    """
    accept = worker.accept

    def accept_until_shut_down(listener):
        # The master shut the shared listening socket down (SIGTERM): stop polling it.
        try:
            accept(listener)
        except OSError as e:
            if e.errno != errno.EINVAL:
                raise
            worker.set_accept_enabled(False)

    # Registered with the poller when run() starts, after this hook.
    worker.accept = accept_until_shut_down

    handle_exit = worker.handle_exit
    idle = getattr(worker, "keepalived_conns", None)
    if idle is None:
        worker.log.warning("webstack: this Gunicorn's gthread worker has no keepalived_conns; drain stays as is")
        return

    def expire_idle_then_exit(sig, frame):
        for conn in idle:
            conn.timeout = 0  # murder_keepalived() closes it on the next pass of the drain loop
        handle_exit(sig, frame)

    # init_signals() registered the bound method before this hook ran; register the wrapper.
    signal.signal(signal.SIGTERM, expire_idle_then_exit)


def _send_head_with_body():
    """Send the status line and headers in the same write as the first body bytes.

    Gunicorn writes the head and the body with two sendall() calls. A replica killed between them
    (SIGKILL, OOM; on a busy host a thread can be preempted there for milliseconds) leaves nginx with
    a response it has already started to relay and cannot retry, so the client's request fails
    ("upstream prematurely closed connection while reading upstream"). With one write, nginx sees
    the whole response or nothing, and nothing is retried on another replica.
    """
    from gunicorn.http import wsgi
    from gunicorn import util

    response = wsgi.Response
    emit_body, close, sendfile = response._emit_body, response.close, response.sendfile

    def send_headers(self):
        if self.headers_sent:
            return
        head = self.default_headers()
        head.extend(["%s: %s\r\n" % (k, v) for k, v in self.headers])
        self._webstack_head = util.to_bytestring("%s\r\n" % "".join(head), "latin-1")
        self.headers_sent = True

    def flush_head(self):
        head = getattr(self, "_webstack_head", b"")
        if head:
            self._webstack_head = b""
            self.sock.sendall(head)

    def emit_with_head(self, data):
        head = getattr(self, "_webstack_head", b"")
        if head and not self.chunked:
            self._webstack_head = b""
            self.sock.sendall(head + data)
            return
        flush_head(self)
        emit_body(self, data)

    def close_with_head(self):
        send_headers(self)
        flush_head(self)
        close(self)

    def sendfile_with_head(self, respiter):
        send_headers(self)
        flush_head(self)
        return sendfile(self, respiter)

    response.send_headers = send_headers
    response._emit_body = emit_with_head
    response.close = close_with_head
    response.sendfile = sendfile_with_head


_send_head_with_body()
