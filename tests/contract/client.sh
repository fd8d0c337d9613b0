#!/usr/bin/env bash
# A client generated from the committed document works: openapi-python-client generates the
# package (tests/contract/client-config.yaml) into target/contract/client, and
# client_test.py uses it against the given binary on a fresh database: sign in, file a
# complaint (retried under its Idempotency-Key), route it, read its timeline.
#
#   tests/contract/client.sh BINARY DATABASE_URL
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=$1
DB=$2
VENV=${ADUAN_CONTRACT_VENV:-target/contract-venv}
PY="$VENV/bin/python"

out=target/contract/client
rm -rf "$out"
mkdir -p target/contract
"$VENV/bin/openapi-python-client" generate --path openapi/openapi.json \
  --config tests/contract/client-config.yaml --output-path "$out" --fail-on-warning

source tests/contract/serve.sh
trap 'stop_server client' EXIT
PYTHONPATH="$out" "$PY" tests/contract/client_test.py "$base_url" "$password"
