#!/usr/bin/env bash
# Brings the `dev` stack up on the local Docker engine with the Pulumi CLI (local file backend).
set -euo pipefail
cd "$(dirname "$0")/.."

# @pulumi/pulumi 3.270 requires Node 22 (package.json "engines").
command -v node >/dev/null || { echo "up: Node 22+ is required and no node is on PATH (https://nodejs.org/)" >&2; exit 1; }
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 22 ] || { echo "up: Node 22+ is required, found $(node --version) at $(command -v node)" >&2; exit 1; }
command -v pulumi >/dev/null || { echo "up: the Pulumi CLI is required (https://www.pulumi.com/docs/install/)" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "up: no Docker engine answers; start Docker first" >&2; exit 1; }
[ -d node_modules ] || npm ci

# The file backend encrypts the stack's secrets (TLS key, secret config) with a passphrase: never an
# empty one for a stack that holds a secret. With none set, one is generated once into a 0600 file
# outside the repo (scripts/passphrase.sh, docs/passphrase.md).
. scripts/passphrase.sh
webstack_passphrase dev Pulumi.dev.yaml "$HOME/.pulumi/stacks/webstack/dev.json" || exit 1
pulumi stack select --create dev
pulumi up --yes --stack dev
echo "open $(pulumi stack output url --stack dev)   (nginx log: docker logs -f webstack-dev-nginx)"
