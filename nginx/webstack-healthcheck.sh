#!/bin/bash
# Container health check without curl or wget: an HTTP/1.0 GET over bash's /dev/tcp.
set -eu
exec 3<>/dev/tcp/127.0.0.1/80
printf 'GET /nginx-healthz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
read -r _ status _ <&3
[ "$status" = "200" ]
