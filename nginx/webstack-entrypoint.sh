#!/bin/sh
# Writes WEBSTACK_NGINX_CONF to /etc/nginx/nginx.conf, replacing ${NGINX_LOCAL_RESOLVERS} with the
# nameservers of /etc/resolv.conf, as the official image's 15-local-resolvers does. One container
# definition then works on Docker (127.0.0.11) and on ECS (the VPC resolver).
set -eu

if [ -n "${WEBSTACK_NGINX_CONF:-}" ]; then
    resolvers=$(awk '/^nameserver/ { a = a (a == "" ? "" : " ") ($2 ~ /:/ ? "[" $2 "]" : $2) } END { print a }' /etc/resolv.conf)
    if [ -z "$resolvers" ]; then
        echo "webstack-entrypoint: no nameserver in /etc/resolv.conf; nginx cannot resolve service names" >&2
        exit 1
    fi
    printf '%s\n' "$WEBSTACK_NGINX_CONF" | sed "s/\${NGINX_LOCAL_RESOLVERS}/$resolvers/g" > /etc/nginx/nginx.conf
    echo "webstack-entrypoint: wrote /etc/nginx/nginx.conf (resolvers: $resolvers)" >&2
fi

exec "$@"
