#!/bin/sh
# nginx's entrypoint. The rendered config (nginx/render.ts) carries ${NGINX_LOCAL_RESOLVERS}, which is
# replaced with the nameservers of /etc/resolv.conf, as the official image's 15-local-resolvers does,
# so one config works on Docker (127.0.0.11) and on ECS (the VPC resolver). The config arrives:
#   - ECS: in WEBSTACK_NGINX_CONF; a new config is a new task. A TLS certificate and key arrive in
#     WEBSTACK_TLS_CERT / WEBSTACK_TLS_KEY (the task definition's `secrets`), are written to the tmpfs
#     and removed from the environment before nginx starts. With Cloud Map discovery (WEBSTACK_DISCOVERY_DIR,
#     a task volume shared with the `discovery` sidecar, discovery/main.ts) the upstream's server lines are
#     include files: each set the sidecar publishes is checked with `nginx -t` and applied with a graceful
#     reload, like a local config, and a set that fails the check is never installed. nginx starts only
#     once it has the first set (cold start: see discovery_first).
#   - local: in the Docker volume at WEBSTACK_NGINX_CONF_DIR, published by the one-shot config
#     container (`webstack-entrypoint.sh publish`) with the TLS files beside it. nginx's entrypoint
#     watches the file; a new one is checked with `nginx -t` and applied with a graceful
#     `nginx -s reload`, never a restart.
# nginx runs as a non-root user on a read-only root: everything written here goes to tmpfs
# (WEBSTACK_NGINX_RUN_CONF, WEBSTACK_NGINX_TLS_DIR). Every WEBSTACK_* value comes from lib/runtime.ts.
set -eu
umask 077

log() { echo "webstack-entrypoint: $*" >&2; }

: "${WEBSTACK_NGINX_RUN_CONF:?}" "${WEBSTACK_NGINX_TLS_DIR:?}"
run_conf=$WEBSTACK_NGINX_RUN_CONF
tls_dir=$WEBSTACK_NGINX_TLS_DIR
ngx() { nginx -e stderr "$@"; }

resolvers() {
    awk '/^nameserver/ { a = a (a == "" ? "" : " ") ($2 ~ /:/ ? "[" $2 "]" : $2) } END { print a }' /etc/resolv.conf
}

# fill DEST < SOURCE: the config with the resolver placeholder replaced.
fill() {
    r=$(resolvers)
    if [ -z "$r" ]; then
        log "no nameserver in /etc/resolv.conf; nginx cannot resolve service names"
        return 1
    fi
    sed "s/\${NGINX_LOCAL_RESOLVERS}/$r/g" > "$1"
}

# copy_tls FROM: the certificate and key (if FROM has them) into the tmpfs nginx reads, mode 0600.
copy_tls() {
    mkdir -p "$tls_dir"
    for f in cert.pem key.pem; do
        if [ -f "$1/$f" ]; then
            cat "$1/$f" > "$tls_dir/.$f.new"
            mv -f "$tls_dir/.$f.new" "$tls_dir/$f"
        fi
    done
}

# The config container: check the candidate with this image's nginx, then publish it atomically
# (rename within the volume) and stay up, healthy, so `wait` in the apply sees success. A config
# that fails `nginx -t` exits non-zero: the apply fails and the running nginx keeps its config.
# The TLS files (pulumi-docker `uploads`, at WEBSTACK_TLS_UPLOAD_DIR) are published first, so the
# config that names them never arrives before them; the uploads and the tmpfs copies are deleted, so the
# only key left is nginx's, on the volume (0600, nginx's user).
publish() {
    : "${WEBSTACK_NGINX_CONF:?}" "${WEBSTACK_NGINX_CONF_DIR:?}"
    dir=$WEBSTACK_NGINX_CONF_DIR
    printf '%s\n' "$WEBSTACK_NGINX_CONF" > /tmp/candidate.conf
    fill /tmp/candidate.filled.conf < /tmp/candidate.conf
    if [ -n "${WEBSTACK_TLS_UPLOAD_DIR:-}" ]; then
        copy_tls "$WEBSTACK_TLS_UPLOAD_DIR"
        # No copy of the key stays in this container's writable layer: from here on it is in the tmpfs
        # (gone when this container stops) and, once published, on nginx's volume only.
        rm -f "$WEBSTACK_TLS_UPLOAD_DIR/cert.pem" "$WEBSTACK_TLS_UPLOAD_DIR/key.pem"
    fi
    if ! ngx -t -q -c /tmp/candidate.filled.conf; then
        log "the new config fails nginx -t; not published"
        exit 1
    fi
    if [ -n "${WEBSTACK_TLS_UPLOAD_DIR:-}" ]; then
        mkdir -p "$dir/tls"
        for f in cert.pem key.pem; do
            cat "$tls_dir/$f" > "$dir/tls/.$f.new"
            mv -f "$dir/tls/.$f.new" "$dir/tls/$f"
        done
        rm -rf "$tls_dir"
    fi
    cp /tmp/candidate.conf "$dir/.nginx.conf.new"
    mv -f "$dir/.nginx.conf.new" "$dir/nginx.conf"
    touch /tmp/published
    log "published $(cksum < /tmp/candidate.conf | cut -d' ' -f1)"
    exec sleep infinity
}

# What nginx serves from the volume: the config and the TLS files. A new certificate alone (a renewal,
# or a provided one replaced) comes with the same config, and must reload nginx too.
published() {
    cat "$WEBSTACK_NGINX_CONF_DIR/nginx.conf" "$WEBSTACK_NGINX_CONF_DIR/tls/cert.pem" "$WEBSTACK_NGINX_CONF_DIR/tls/key.pem" 2>/dev/null | cksum
}

# nginx side of the volume: reload on every new published config or certificate that passes nginx -t.
watch() {
    src="$WEBSTACK_NGINX_CONF_DIR/nginx.conf"
    last=$(published)
    while sleep "$WEBSTACK_NGINX_CONF_POLL_SEC"; do
        [ -f "$src" ] || continue
        now=$(published)
        [ "$now" = "$last" ] && continue
        last=$now
        copy_tls "$WEBSTACK_NGINX_CONF_DIR/tls"
        if fill "$run_conf.next" < "$src" && ngx -t -q -c "$run_conf.next"; then
            mv -f "$run_conf.next" "$run_conf"
            ngx -c "$run_conf" -s reload && log "reloaded config $(echo "$now" | cut -d' ' -f1)"
        else
            log "published config fails nginx -t; still serving the previous one"
        fi
    done
}

# aws with discovery: the sidecar makes each published set current by renaming the `current` symlink to a
# new gen-<n>/ folder (discovery/publish.ts); a folder never changes once it is current.
discovery_gen() { readlink "$WEBSTACK_DISCOVERY_DIR/current" 2>/dev/null || true; }

# install_set GEN: GEN's files become the ones the running config includes (WEBSTACK_NGINX_UPSTREAM_DIR)
# if `nginx -t` passes with them; otherwise the previous set stays. nginx reads includes only when it
# (re)loads, so the swap is invisible until the reload that follows.
install_set() {
    up=$WEBSTACK_NGINX_UPSTREAM_DIR
    rm -rf "$up.next" "$up.prev"
    mkdir -p "$up.next"
    # A copy fails only if the sidecar pruned GEN meanwhile; a newer set is then current already.
    cp "$WEBSTACK_DISCOVERY_DIR/$1/"*.conf "$up.next/" 2>/dev/null || return 1
    if [ -d "$up" ]; then mv "$up" "$up.prev"; fi
    mv "$up.next" "$up"
    if ngx -t -q -c "$run_conf"; then
        rm -rf "$up.prev"
        return 0
    fi
    rm -rf "$up"
    if [ -d "$up.prev" ]; then mv "$up.prev" "$up"; fi
    return 1
}

# Cold start: nginx does not start (so its health check fails and the load balancer sends it nothing) until
# the first set from the Cloud Map API is installed. Serving from DNS meanwhile would put a 200-task
# service's whole share on the 8 tasks a DNS answer holds; an old nginx task serves until this one is
# healthy. No set within WEBSTACK_DISCOVERY_WAIT_SEC: exit, and ECS starts another task.
discovery_first() {
    wait_until "$WEBSTACK_DISCOVERY_WAIT_SEC" "no upstream set from Cloud Map discovery that passes nginx -t" first_set_installed
    log "installed upstream set $gen from Cloud Map discovery"
}

first_set_installed() {
    gen=$(discovery_gen)
    [ -n "$gen" ] && install_set "$gen"
}

# Runs the command every second until it succeeds; after $1 seconds, logs "$2 after <n>s" and exits 1.
wait_until() {
    limit=$1
    what=$2
    shift 2
    waited=0
    until "$@"; do
        if [ "$waited" -ge "$limit" ]; then
            log "$what after ${waited}s"
            exit 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

# nginx side of the shared volume: reload on every new set that passes nginx -t.
discovery_watch() {
    last=$1
    while sleep "$WEBSTACK_NGINX_CONF_POLL_SEC"; do
        gen=$(discovery_gen)
        if [ -z "$gen" ] || [ "$gen" = "$last" ]; then continue; fi
        last=$gen
        if install_set "$gen"; then
            ngx -c "$run_conf" -s reload && log "reloaded upstream set $gen"
        else
            log "upstream set $gen fails nginx -t or is gone; still serving the previous one"
        fi
    done
}

if [ "${1:-}" = "publish" ]; then
    publish
fi

if [ -n "${WEBSTACK_NGINX_CONF_DIR:-}" ]; then
    : "${WEBSTACK_NGINX_CONF_POLL_SEC:?}" "${WEBSTACK_NGINX_CONF_WAIT_SEC:?}"
    wait_until "$WEBSTACK_NGINX_CONF_WAIT_SEC" "no config published in $WEBSTACK_NGINX_CONF_DIR" test -f "$WEBSTACK_NGINX_CONF_DIR/nginx.conf"
    copy_tls "$WEBSTACK_NGINX_CONF_DIR/tls"
    fill "$run_conf" < "$WEBSTACK_NGINX_CONF_DIR/nginx.conf"
    log "wrote $run_conf from $WEBSTACK_NGINX_CONF_DIR (resolvers: $(resolvers))"
    watch &
elif [ -n "${WEBSTACK_NGINX_CONF:-}" ]; then
    if [ -n "${WEBSTACK_TLS_KEY:-}" ]; then
        mkdir -p "$tls_dir"
        printf '%s\n' "${WEBSTACK_TLS_CERT:?}" > "$tls_dir/cert.pem"
        printf '%s\n' "$WEBSTACK_TLS_KEY" > "$tls_dir/key.pem"
        log "wrote the TLS certificate and key to $tls_dir"
    fi
    printf '%s\n' "$WEBSTACK_NGINX_CONF" | fill "$run_conf"
    log "wrote $run_conf (resolvers: $(resolvers))"
    if [ -n "${WEBSTACK_DISCOVERY_DIR:-}" ]; then
        : "${WEBSTACK_NGINX_UPSTREAM_DIR:?}" "${WEBSTACK_DISCOVERY_WAIT_SEC:?}" "${WEBSTACK_NGINX_CONF_POLL_SEC:?}"
        discovery_first
        discovery_watch "$gen" &
    fi
fi
# The PEMs live only in the tmpfs from here on, not in nginx's environment.
unset WEBSTACK_TLS_CERT WEBSTACK_TLS_KEY

exec "$@"
