"""Gunicorn settings; the numbers come from stack config through the environment."""
import os

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
# Gunicorn >= 25 opens a control socket under $HOME by default; the app user has no home and the
# root filesystem is read-only, so keep it on the /tmp tmpfs. Older Gunicorn ignores this name.
control_socket = "/tmp/gunicorn.ctl"
