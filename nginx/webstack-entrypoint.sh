#!/bin/sh
# nginx's entrypoint. The rendered config (nginx/render.ts) carries ${NGINX_LOCAL_RESOLVERS}, which is
# replaced with the nameservers of /etc/resolv.conf, as the official image's 15-local-resolvers does,
# so one config works on Docker (127.0.0.11) and on ECS (the VPC resolver). The config arrives:
#   - ECS: in WEBSTACK_NGINX_CONF; a new config is a new task.
#   - local: in the Docker volume at WEBSTACK_NGINX_CONF_DIR, published by the one-shot config
#     container (`webstack-entrypoint.sh publish`). nginx's entrypoint watches the file; a new one
#     is checked with `nginx -t` and applied with a graceful `nginx -s reload`, never a restart.
# Every WEBSTACK_* value comes from lib/runtime.ts through the container's environment.
set -eu

log() { echo "webstack-entrypoint: $*" >&2; }

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

# The config container: check the candidate with this image's nginx, then publish it atomically
# (rename within the volume) and stay up, healthy, so `wait` in the apply sees success. A config
# that fails `nginx -t` exits non-zero: the apply fails and the running nginx keeps its config.
publish() {
    : "${WEBSTACK_NGINX_CONF:?}" "${WEBSTACK_NGINX_CONF_DIR:?}"
    printf '%s\n' "$WEBSTACK_NGINX_CONF" > /tmp/candidate.conf
    fill /tmp/candidate.filled.conf < /tmp/candidate.conf
    if ! nginx -t -q -c /tmp/candidate.filled.conf; then
        log "the new config fails nginx -t; not published"
        exit 1
    fi
    cp /tmp/candidate.conf "$WEBSTACK_NGINX_CONF_DIR/.nginx.conf.new"
    mv -f "$WEBSTACK_NGINX_CONF_DIR/.nginx.conf.new" "$WEBSTACK_NGINX_CONF_DIR/nginx.conf"
    touch /tmp/published
    log "published $(cksum < /tmp/candidate.conf | cut -d' ' -f1)"
    exec sleep infinity
}

# nginx side of the volume: reload on every new published config that passes nginx -t.
watch() {
    src="$WEBSTACK_NGINX_CONF_DIR/nginx.conf"
    last=$(cksum < "$src")
    while sleep "$WEBSTACK_NGINX_CONF_POLL_SEC"; do
        now=$(cksum < "$src" 2>/dev/null) || continue
        [ "$now" = "$last" ] && continue
        last=$now
        if fill /etc/nginx/nginx.conf.next < "$src" && nginx -t -q -c /etc/nginx/nginx.conf.next; then
            mv -f /etc/nginx/nginx.conf.next /etc/nginx/nginx.conf
            nginx -s reload && log "reloaded config $(echo "$now" | cut -d' ' -f1)"
        else
            log "published config fails nginx -t; still serving the previous one"
        fi
    done
}

if [ "${1:-}" = "publish" ]; then
    publish
fi

if [ -n "${WEBSTACK_NGINX_CONF_DIR:-}" ]; then
    : "${WEBSTACK_NGINX_CONF_POLL_SEC:?}" "${WEBSTACK_NGINX_CONF_WAIT_SEC:?}"
    waited=0
    until [ -f "$WEBSTACK_NGINX_CONF_DIR/nginx.conf" ]; do
        if [ "$waited" -ge "$WEBSTACK_NGINX_CONF_WAIT_SEC" ]; then
            log "no config published in $WEBSTACK_NGINX_CONF_DIR after ${waited}s"
            exit 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    fill /etc/nginx/nginx.conf < "$WEBSTACK_NGINX_CONF_DIR/nginx.conf"
    log "wrote /etc/nginx/nginx.conf from $WEBSTACK_NGINX_CONF_DIR (resolvers: $(resolvers))"
    watch &
elif [ -n "${WEBSTACK_NGINX_CONF:-}" ]; then
    printf '%s\n' "$WEBSTACK_NGINX_CONF" | fill /etc/nginx/nginx.conf
    log "wrote /etc/nginx/nginx.conf (resolvers: $(resolvers))"
fi

exec "$@"
