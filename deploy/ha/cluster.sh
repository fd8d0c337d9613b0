#!/usr/bin/env bash
# deploy/ha/cluster.sh up|down|status — on one machine and on loopback only: etcd
# (127.0.0.1:2379/2380) and three PostgreSQL 15 nodes managed by Patroni (PostgreSQL on
# 127.0.0.1:7001–7003, Patroni's REST API on 127.0.0.1:8101–8103), with one synchronous standby,
# pg_rewind and short timeouts (ttl 20, loop_wait 2). Installs what is missing: Debian's
# postgresql-15, etcd-server, haproxy (for the failover test) and python3-venv; Patroni 4.x
# with its etcd3 and psycopg2 extras from PyPI in a virtual environment made with Debian's own
# Python 3 under the cluster folder, so that the postgres user can run it.
#
# Everything lives in ADUAN_HA_DIR (default /var/tmp/aduan-ha): configuration, data, logs and
# the PID of every process started, which `down` stops by that PID. aduan connects with
#   postgres://postgres@127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003/aduan?target_session_attrs=read-write
# The configuration for three machines, with HAProxy in front, is in deploy/ha/README.md.
set -euo pipefail

DIR="${ADUAN_HA_DIR:-/var/tmp/aduan-ha}"
PG_BIN="${ADUAN_HA_PG_BIN:-/usr/lib/postgresql/15/bin}"
VENV="$DIR/venv"
PATRONI_VERSION="${ADUAN_HA_PATRONI:-4.1.5}"
NODES=(1 2 3)
RUN_AS=postgres

log() { printf '[cluster] %s\n' "$*" >&2; }
# Runs a command as the postgres user.
as_pg() {
  if [ "$(id -un)" = "$RUN_AS" ]; then "$@"; else
    HOME="$(getent passwd "$RUN_AS" | cut -d: -f6)" USER="$RUN_AS" \
      setpriv --reuid="$RUN_AS" --regid="$RUN_AS" --init-groups -- "$@"
  fi
}
# Starts a command as the postgres user in the background, its output to a log, and records its
# own PID (the subshell execs into it) in a file for `down`.
spawn() { # PID file, log file, command…
  local pidfile=$1 logfile=$2; shift 2
  (
    if [ "$(id -un)" != "$RUN_AS" ]; then
      export HOME="$(getent passwd "$RUN_AS" | cut -d: -f6)" USER="$RUN_AS"
      exec setpriv --reuid="$RUN_AS" --regid="$RUN_AS" --init-groups -- "$@" >>"$logfile" 2>&1
    fi
    exec "$@" >>"$logfile" 2>&1
  ) &
  echo $! >"$pidfile"
}
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_missing() {
  local need=()
  [ -x "$PG_BIN/postgres" ] || need+=(postgresql-15)
  command -v etcd >/dev/null || need+=(etcd-server)
  # Not started here: the failover test puts it in front of two aduan instances.
  command -v haproxy >/dev/null || need+=(haproxy)
  /usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]} (Debian)"
    export DEBIAN_FRONTEND=noninteractive
    # Debian's packages would start their own etcd and PostgreSQL on the standard ports: no
    # service starts while they install.
    # A policy the machine already has is put back afterwards, not removed.
    local policy=/usr/sbin/policy-rc.d kept="" rc=0
    if [ -e "$policy" ]; then kept="$(mktemp)" && cp -p "$policy" "$kept"; fi
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
    if apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; then rc=0; else rc=$?; fi
    if [ -n "$kept" ]; then mv -f "$kept" "$policy"; else rm -f "$policy"; fi
    [ "$rc" = 0 ] || { log "apt-get failed ($rc)"; exit "$rc"; }
  fi
  if ! "$VENV/bin/patroni" --version >/dev/null 2>&1; then
    log "installing Patroni $PATRONI_VERSION (PyPI) in $VENV"
    /usr/bin/python3 -m venv --clear "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check \
      "patroni[etcd3,psycopg2-binary]==$PATRONI_VERSION"
  fi
}

node_config() { # node number → Patroni's YAML
  local n=$1 d="$DIR/node$1"
  cat <<YAML
scope: aduan
namespace: /aduan/
name: node$n
log:
  level: INFO
restapi:
  listen: 127.0.0.1:810$n
  connect_address: 127.0.0.1:810$n
etcd3:
  hosts: 127.0.0.1:2379
bootstrap:
  dcs:
    ttl: 20
    loop_wait: 2
    retry_timeout: 5
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    synchronous_node_count: 1
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        max_connections: 200
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - data-checksums
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 trust
    - host all all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:700$n
  connect_address: 127.0.0.1:700$n
  data_dir: $d/data
  bin_dir: $PG_BIN
  pgpass: $d/pgpass
  authentication:
    superuser:
      username: postgres
      password: postgres
    replication:
      username: replicator
      password: replicator
    rewind:
      username: rewinder
      password: rewinder
  parameters:
    unix_socket_directories: $d
tags:
  nofailover: false
  noloadbalance: false
YAML
}

start_etcd() {
  if alive "$DIR/etcd.pid"; then return; fi
  log "starting etcd on 127.0.0.1:2379/2380"
  mkdir -p "$DIR/etcd"
  chown -R "$RUN_AS:" "$DIR/etcd"
  spawn "$DIR/etcd.pid" "$DIR/etcd/etcd.log" etcd --name aduan-etcd --data-dir "$DIR/etcd/data" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster aduan-etcd=http://127.0.0.1:2380 --initial-cluster-state new \
    --enable-v2=false
  for _ in $(seq 1 50); do
    curl -fsS http://127.0.0.1:2379/health >/dev/null 2>&1 && return
    sleep 0.2
  done
  log "etcd did not start; see $DIR/etcd/etcd.log"; exit 1
}

start_node() {
  local n=$1 d="$DIR/node$1"
  if alive "$d/patroni.pid"; then return; fi
  mkdir -p "$d"
  node_config "$n" >"$d/patroni.yml"
  chown -R "$RUN_AS:" "$d"
  chmod 700 "$d"
  log "starting Patroni node$n (PostgreSQL 127.0.0.1:700$n, REST 127.0.0.1:810$n)"
  spawn "$d/patroni.pid" "$d/patroni.log" "$VENV/bin/patroni" "$d/patroni.yml"
}

role() { # node number → its role as Patroni reports it, or "down"
  curl -fsS --max-time 2 "http://127.0.0.1:810$1/patroni" 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("role","?"), d.get("state","?"))' 2>/dev/null ||
    echo "down"
}

wait_ready() {
  log "waiting for a primary and two streaming replicas"
  for _ in $(seq 1 180); do
    local primary=0 replicas=0
    for n in "${NODES[@]}"; do
      case "$(role "$n")" in
        "primary running") primary=$((primary + 1)) ;;
        "replica streaming" | "replica running") replicas=$((replicas + 1)) ;;
      esac
    done
    if [ "$primary" = 1 ] && [ "$replicas" = 2 ]; then
      as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$(primary_port)" -U postgres -Atqc \
        "SELECT 1 FROM pg_database WHERE datname = 'aduan'" | grep -q 1 ||
        as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$(primary_port)" -U postgres -qc "CREATE DATABASE aduan"
      return
    fi
    sleep 1
  done
  log "the cluster did not become ready; logs in $DIR/node*/patroni.log"; status; exit 1
}

primary_port() {
  for n in "${NODES[@]}"; do
    if [ "$(role "$n")" = "primary running" ]; then echo "700$n"; return; fi
  done
  return 1
}

up() {
  [ "$(id -u)" = 0 ] || { log "run as root (it installs packages and starts processes as postgres)"; exit 1; }
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  install_missing
  start_etcd
  for n in "${NODES[@]}"; do start_node "$n"; done
  wait_ready
  status
}

stop_pid() { # PID file, name
  local f=$1
  alive "$f" || { rm -f "$f"; return; }
  local pid; pid=$(cat "$f")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$f"
}

postmaster_pid() { # node number → PID of its postmaster, if running
  local f="$DIR/node$1/data/postmaster.pid"
  [ -f "$f" ] && head -n1 "$f"
}

down() {
  for n in "${NODES[@]}"; do
    log "stopping node$n"
    stop_pid "$DIR/node$n/patroni.pid"
    # Patroni stops its PostgreSQL when it is stopped; one left by a killed Patroni goes too.
    local pm; pm=$(postmaster_pid "$n" || true)
    if [ -n "${pm:-}" ] && kill -0 "$pm" 2>/dev/null; then
      echo "$pm" >"$DIR/node$n/postmaster.stop"
      stop_pid "$DIR/node$n/postmaster.stop"
    fi
  done
  log "stopping etcd"
  stop_pid "$DIR/etcd.pid"
  if [ "${1:-}" = "--wipe" ]; then rm -rf "$DIR/etcd" "$DIR"/node*; log "wiped"; fi
}

status() {
  printf 'etcd   127.0.0.1:2379  %s\n' "$(alive "$DIR/etcd.pid" && echo running || echo down)"
  for n in "${NODES[@]}"; do
    printf 'node%s  127.0.0.1:700%s  REST 127.0.0.1:810%s  %s\n' "$n" "$n" "$n" "$(role "$n")"
  done
}

case "${1:-}" in
  up) up ;;
  down) shift; down "$@" ;;
  status) status ;;
  *) echo "usage: $0 up | down [--wipe] | status" >&2; exit 2 ;;
esac
