#!/usr/bin/env bash
# Schema fuzzing: starts the given aduan binary on a fresh database, signs in as the bootstrap
# administrator and runs schemathesis against the served document with the checks the contract
# promises, all four phases (examples, coverage, fuzzing, stateful) and a fixed seed, for a
# bounded time. Fails on any check failure, and on a panic in the server's log.
#
#   tests/contract/fuzz.sh BINARY DATABASE_URL SECONDS [SEED]
#
# DATABASE_URL: sqlite://PATH (removed first), or a PostgreSQL database (dropped and made
# afresh). Needs target/contract-venv (tests/contract/requirements.txt), as .ci/run makes it.
# More schemathesis options in ADUAN_FUZZ_ARGS (e.g. a report: --report ndjson).
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=$1
DB=$2
BUDGET=$3
SEED=${4:-20261207}
VENV=${ADUAN_CONTRACT_VENV:-target/contract-venv}
PY="$VENV/bin/python"
source tests/contract/serve.sh
trap 'stop_server fuzz' EXIT

read -r token self_id < <("$PY" - "$base_url" "$password" <<'PYEOF'
import json, sys, urllib.request
base, password = sys.argv[1], sys.argv[2]
req = urllib.request.Request(f"{base}/api/v1/auth/token", method="POST",
    data=json.dumps({"username": "admin", "password": password}).encode(),
    headers={"Content-Type": "application/json"})
token = json.load(urllib.request.urlopen(req))["access_token"]
me = urllib.request.Request(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
print(token, json.load(urllib.request.urlopen(me))["id"])
PYEOF
)

# One worker: with two, schemathesis's threads parse lambda sources at once and CPython 3.11.7
# can fail inside `ast.parse` ("AST constructor recursion depth mismatch"), a fault of the tool.
# Signing out and changing one's own password end the fuzzer's own sign-in: left out (the API
# tests cover them); requests on its own account are redirected (fuzz_hooks.py).
status=0
ADUAN_FUZZ_SELF_ID="$self_id" SCHEMATHESIS_HOOKS=fuzz_hooks PYTHONPATH=tests/contract \
  "$VENV/bin/schemathesis" run "$base_url/openapi.json" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection \
  --phases examples,coverage,fuzzing,stateful \
  --exclude-path-regex '^/api/v1/(auth/logout|me/password)$' \
  --max-time "$BUDGET" --seed "$SEED" --workers 1 \
  --warnings off ${ADUAN_FUZZ_ARGS:-} || status=$?

if grep -q "panicked" "$work/server.log"; then
  echo "the server panicked:"; grep -A5 "panicked" "$work/server.log"; status=1
fi
exit $status
