"""Gunicorn settings; the numbers come from stack config through the environment."""
import os
import signal

bind = "0.0.0.0:8000"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# gthread keeps nginx's upstream keep-alive connections open without pinning a whole worker to each.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Longer than nginx's upstream keepalive_timeout, so nginx, not Gunicorn, closes idle connections
# and never reuses a socket Gunicorn has just closed.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE_SEC", "75"))
timeout = 30
# SIGTERM lets in-flight requests finish before the container stops.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT_SEC", "20"))
# Only nginx can reach the app (it is never published), so its X-Forwarded-* headers are trusted.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# Heartbeat files on tmpfs: the root filesystem is read-only and /tmp may be slow disk.
worker_tmp_dir = "/dev/shm"
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Gunicorn >= 25 starts a control socket server (under $HOME, which the app user does not have);
# nothing here uses it, and stopping it delays every shutdown by about 5 s. Older Gunicorn ignores
# this name.
control_socket_disable = True


def post_worker_init(worker):
    """On SIGTERM, let idle keep-alive connections go at once instead of after `keepalive`.

    Gunicorn's gthread worker drains by waiting until every connection is closed, idle keep-alive
    ones included, for up to graceful_timeout. Meanwhile its listening socket stays open, so new
    connections from nginx queue in the backlog and hang. Expiring the idle ones lets the worker
    finish its in-flight requests and exit within a second; nginx sees the closed connections and
    the refused port and retries another replica.
    """
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
