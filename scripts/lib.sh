# Shared helpers for the Makefile's scripts. Sourced, not run.
set -euo pipefail

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

apt_install() {
  log "installing $* with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq "$@" >/dev/null
}

# ensure_redis installs redis-server when it is missing.
ensure_redis() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  command -v redis-server >/dev/null 2>&1 || { echo "redis-server could not be installed" >&2; exit 1; }
}

# ensure_pdf installs what package pdf prints with: headless Chromium and
# the Japanese and Thai fonts (filing packs, the evidence report).
ensure_pdf() {
  command -v chromium >/dev/null 2>&1 || apt_install chromium
  [ -n "$(fc-list 'Noto Sans CJK JP' 2>/dev/null || true)" ] || apt_install fonts-noto-cjk
  [ -n "$(fc-list :lang=th 2>/dev/null || true)" ] || apt_install fonts-thai-tlwg
  [ -n "$(fc-list 'Liberation Sans' 2>/dev/null || true)" ] || apt_install fonts-liberation
  [ -n "$(fc-list 'IPAPGothic' 2>/dev/null || true)" ] || apt_install fonts-ipafont-gothic
}

# pg_bindir prints the directory of PostgreSQL's server programs, installing
# PostgreSQL 15 when there is none.
pg_bindir() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  apt_install postgresql-15 >&2 || apt_install postgresql >&2
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
  echo "PostgreSQL could not be installed" >&2; exit 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 20000))
}

# start_redis DIR PORT starts a redis-server on loopback with the append-only
# file on, unless one already answers there.
start_redis() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd) # redis-server resolves paths after it changes to --dir
  if redis-cli -p "$port" ping >/dev/null 2>&1; then
    # One answers already. Ours (from an earlier run of this checkout) is
    # fine; another checkout's or the system's would be shared silently.
    local theirs
    theirs=$(redis-cli -p "$port" config get dir 2>/dev/null | sed -n 2p)
    if [ "$theirs" != "$dir" ]; then
      log "a Redis not started by this checkout answers on port $port (its data: ${theirs:-unknown}); Candor will share it. Set CANDOR_REDIS_PORT to start one of its own."
    fi
    return
  fi
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "redis-server did not start; see $dir/redis.log" >&2; exit 1
}

# stop_redis DIR PORT stops the redis-server start_redis started in DIR,
# if it is the one answering on PORT (its append-only file is kept).
stop_redis() {
  local dir=$1 port=$2 theirs
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd)
  theirs=$(redis-cli -p "$port" config get dir 2>/dev/null | sed -n 2p)
  if [ "$theirs" = "$dir" ]; then
    redis-cli -p "$port" shutdown >/dev/null 2>&1 || true
    log "stopped the Redis on port $port"
  fi
}
