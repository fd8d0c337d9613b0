# Sourced by fuzz.sh and client.sh: starts "$BIN" on a fresh database "$DB" on a free port of
# this machine, waits until it is ready and sets base_url, password and server (its PID). The
# caller's EXIT trap stops it (stop_server) and keeps its log in target/contract/.
work=$(mktemp -d)
case "$DB" in
  sqlite://*) rm -f "${DB#sqlite://}" "${DB#sqlite://}-wal" "${DB#sqlite://}-shm" ;;
  postgres://* | postgresql://*)
    psql "${DB%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${DB##*/} WITH (FORCE)" -c "CREATE DATABASE ${DB##*/}" ;;
esac
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password="contract-admin-password-123"
DATABASE_URL="$DB" ADUAN_BIND="127.0.0.1:$port" ADUAN_DATA_DIR="$work/data" \
  ADUAN_ADMIN_PASSWORD="$password" ADUAN_JWT_SECRET="contract-secret-contract-secret-12345" \
  RUST_LOG=warn "$BIN" >"$work/server.log" 2>&1 &
server=$!
base_url="http://127.0.0.1:$port"

stop_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  mkdir -p target/contract
  cp "$work/server.log" "target/contract/server-$1.log" 2>/dev/null || true
  rm -rf "$work"
}

for _ in $(seq 1 150); do
  "$PY" -c "import urllib.request; urllib.request.urlopen('$base_url/readyz', timeout=1)" 2>/dev/null && break
  sleep 0.2
done
