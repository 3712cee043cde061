#!/usr/bin/env bash
# Brings the `dev` stack up on the local Docker engine with the Pulumi CLI (local file backend).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v pulumi >/dev/null || { echo "up: the Pulumi CLI is required (https://www.pulumi.com/docs/install/)" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "up: no Docker engine answers; start Docker first" >&2; exit 1; }
[ -d node_modules ] || npm ci

# The file backend encrypts secrets with a passphrase; this stack holds none, so an empty one is
# the default. Set PULUMI_CONFIG_PASSPHRASE yourself to use a real one.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
pulumi stack select --create dev
pulumi up --yes --stack dev
echo "open $(pulumi stack output url --stack dev)   (nginx log: docker logs -f webstack-dev-nginx)"
