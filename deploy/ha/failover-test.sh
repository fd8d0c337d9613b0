#!/usr/bin/env bash
# deploy/ha/failover-test.sh [RUNS] — the tests of the loopback cluster: brings it up
# (deploy/ha/cluster.sh, installing what is missing), then runs the ignored cargo tests of
# tests/ha_failover.rs RUNS times (default 1):
# - two aduan instances behind HAProxy serve one console user without sticky sessions;
# - the failover test: two instances on a fresh database, 8 clients filing through both, the
#   leader's Patroni and postmaster killed with SIGKILL, then a replica's; it prints one line:
#   FAILOVER leader nodeN: acknowledged … · lost 0 · duplicates 0 · HTTP 500 0 · … longest
#   write gap … s · rejoined as replica in … s | replica nodeM: …
# Run as root from the repository. ADUAN_HA_DOWN=1 stops the cluster afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-1}"
bash deploy/ha/cluster.sh up
cargo test --test ha_failover --no-run -q
mkdir -p target
for i in $(seq 1 "$runs"); do
  echo "[failover-test] run $i of $runs" >&2
  log="target/failover-test-$i.log"
  rc=0
  cargo test -q --test ha_failover -- --ignored --nocapture --test-threads=1 >"$log" 2>&1 || rc=$?
  grep -E '^FAILOVER|panicked|test result' "$log" || true
  [ "$rc" = 0 ] || { echo "[failover-test] run $i failed; the whole output is in $log" >&2; exit 1; }
done
if [ "${ADUAN_HA_DOWN:-0}" = 1 ]; then bash deploy/ha/cluster.sh down; fi
