#!/usr/bin/env bash
# Start/stop/inspect a local Docker engine for webstack on a machine without systemd
# or a registry. Usage: scripts/engine.sh start|stop|status
#
# Builds (checked against the 20.10 engine from bookworm's docker.io):
# - The preinstalled client (28.x, /usr/local/bin/docker, first in PATH) has no buildx
#   plugin, and bookworm has no docker-buildx package. Plain `docker build` (with
#   DOCKER_BUILDKIT unset) then falls back to the classic builder: it prints a
#   "DEPRECATED: The legacy builder ..." notice and builds fine, --network none included.
#   Use that. DOCKER_BUILDKIT=0 does the same without the buildx hint.
# - DOCKER_BUILDKIT=1 with the 28.x client fails: "BuildKit is enabled but the buildx
#   component is missing or broken".
# - BuildKit itself works with the 20.10 client that docker.io installs as
#   /usr/bin/docker: `DOCKER_BUILDKIT=1 /usr/bin/docker build ...` (if ever needed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.webstack"
PIDFILE="$STATE/dockerd.pid"        # exists only while an engine WE started runs
LOG="$STATE/dockerd.log"
SYS_PIDFILE=/var/run/docker.pid     # dockerd's own pid file
WAIT_START=60
WAIT_STOP=20

engine_up() { docker info >/dev/null 2>&1; }

# pid_alive PID: the process exists (not a zombie).
pid_alive() {
  local pid=$1 state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo "")
  [[ $state != Z ]]
}

is_dockerd() { [[ "$(cat "/proc/$1/comm" 2>/dev/null)" == dockerd ]]; }

# our_pid: prints the pid of the dockerd we started, if it is still alive.
our_pid() {
  local pid
  [[ -f $PIDFILE ]] || return 1
  pid=$(tr -dc '0-9' <"$PIDFILE")
  pid_alive "$pid" && is_dockerd "$pid" && echo "$pid"
}

start() {
  if engine_up; then
    if our_pid >/dev/null; then
      echo "engine: already running (started by this script, pid $(our_pid))"
    else
      echo "engine: already running (not started by this script; leaving it alone)"
    fi
    return 0
  fi

  if ! command -v dockerd >/dev/null 2>&1; then
    echo "engine: dockerd missing, installing docker.io with apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y docker.io
  fi

  mkdir -p "$STATE"
  # Our pid file from an earlier run whose dockerd has since died.
  if [[ -f $PIDFILE ]] && ! our_pid >/dev/null; then
    rm -f "$PIDFILE"
  fi

  # A dockerd that was killed can leave its pid file behind, and a new dockerd then
  # refuses to start. Remove it only if that pid is dead (or was reused by a process
  # that is not dockerd); a live dockerd that does not answer is an error, not stale.
  if [[ -f $SYS_PIDFILE ]]; then
    local old
    old=$(tr -dc '0-9' <"$SYS_PIDFILE" || true)
    if [[ -n $old ]] && pid_alive "$old" && is_dockerd "$old"; then
      echo "engine: dockerd pid $old is alive but 'docker info' does not answer;" \
           "not touching it (see its log, or stop it yourself)" >&2
      return 1
    fi
    echo "engine: removing stale $SYS_PIDFILE (pid ${old:-none} is not running)"
    rm -f "$SYS_PIDFILE"
  fi

  # setsid+nohup: dockerd must outlive the shell (and job) that started it.
  echo "engine: starting dockerd (log: $LOG)"
  setsid nohup dockerd >>"$LOG" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$PIDFILE"

  local deadline=$((SECONDS + WAIT_START))
  until engine_up; do
    if ! pid_alive "$pid"; then
      rm -f "$PIDFILE"
      echo "engine: dockerd exited during start-up; last log lines:" >&2
      tail -n 30 "$LOG" >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "engine: dockerd (pid $pid) did not answer within ${WAIT_START}s; last log lines:" >&2
      tail -n 30 "$LOG" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "engine: up (pid $pid, server $(docker version --format '{{.Server.Version}}' 2>/dev/null))"
}

stop() {
  local pid
  if ! pid=$(our_pid); then
    if [[ -f $PIDFILE ]]; then
      echo "engine: recorded dockerd is not running; removing $PIDFILE"
      rm -f "$PIDFILE"
    else
      echo "engine: not started by this script; nothing to stop"
    fi
    return 0
  fi
  echo "engine: stopping dockerd pid $pid"
  kill -TERM "$pid"
  local deadline=$((SECONDS + WAIT_STOP))
  while pid_alive "$pid"; do
    if ((SECONDS >= deadline)); then
      echo "engine: dockerd pid $pid still running after ${WAIT_STOP}s; pid file kept" >&2
      return 1
    fi
    sleep 0.5
  done
  rm -f "$PIDFILE"
  echo "engine: stopped"
}

status() {
  if engine_up; then
    echo "engine: answering (server $(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  else
    echo "engine: not answering"
  fi
  local pid
  if pid=$(our_pid); then
    echo "engine: started by this script (pid $pid)"
  else
    echo "engine: not started by this script"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
