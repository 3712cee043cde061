#!/bin/bash
# Container health check without curl or wget: an HTTP/1.0 GET over bash's /dev/tcp. Port and path
# come from lib/runtime.ts through the environment (nginxEnvironment()).
set -eu
exec 3<>"/dev/tcp/127.0.0.1/${WEBSTACK_NGINX_PORT:?}"
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "${WEBSTACK_NGINX_HEALTH_PATH:?}" >&3
read -r _ status _ <&3
[ "$status" = "200" ]
