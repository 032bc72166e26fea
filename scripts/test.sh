#!/usr/bin/env bash
# make test: install and start what the tests need, then run them against
# SQLite and PostgreSQL. Redis servers are started by the tests themselves
# (one private redis-server per test that needs one); PostgreSQL 15 runs in
# a temporary directory as the postgres user and is stopped on exit.
source "$(dirname "$0")/lib.sh"
ensure_redis
# Sentinel for jobs' distributed-Redis tests (a Redis Cluster needs only
# redis-server and redis-cli); under CI=true they fail without it.
command -v redis-sentinel >/dev/null 2>&1 || apt_install redis-sentinel
# pdftotext and pdftoppm: the tests read the letters, filing packs and reports they print.
command -v pdftotext >/dev/null 2>&1 || apt_install poppler-utils
# Headless Chromium for the browser tests (e2e/), and Japanese and Thai
# fonts so that letters and statements lay out as they would for a reader
# (the tests fail without them); each installed only when missing.
command -v chromium >/dev/null 2>&1 || apt_install chromium
[ -n "$(fc-list :lang=ja 2>/dev/null || true)" ] || apt_install fonts-ipafont-gothic
[ -n "$(fc-list 'Noto Sans CJK JP' 2>/dev/null || true)" ] || apt_install fonts-noto-cjk
[ -n "$(fc-list :lang=th 2>/dev/null || true)" ] || apt_install fonts-thai-tlwg
[ -n "$(fc-list 'Liberation Sans' 2>/dev/null || true)" ] || apt_install fonts-liberation
[ -n "$(fc-list 'IPAPGothic' 2>/dev/null || true)" ] || apt_install fonts-ipafont-gothic
bindir=$(pg_bindir)

pgdir=$(mktemp -d /tmp/candor-pg.XXXXXX)
port=$(free_port)
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$pgdir"
stop_pg() { run_pg "$bindir/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
trap stop_pg EXIT

log "starting PostgreSQL ($("$bindir/postgres" --version | awk '{print $3}')) on 127.0.0.1:$port in $pgdir"
run_pg "$bindir/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 >/dev/null
run_pg "$bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -o \
  "-h 127.0.0.1 -p $port -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null
export CANDOR_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"

log "go test -race ./... (SQLite and PostgreSQL, real Redis and SMTP)"
go test -race -count=1 -timeout 20m ${TESTFLAGS:-} ./...

# Fuzzing, bounded: each target searches for a few seconds beyond its
# committed corpus (testdata/fuzz), which the run above already replayed.
# CANDOR_FUZZTIME=0 skips the search (the corpora still run above).
fuzztime=${CANDOR_FUZZTIME:-8s}
if [ "$fuzztime" != 0 ]; then
  for target in ./api:FuzzDecode ./api:FuzzPublicStatementPage ./api:FuzzIncidentPatchAudit \
                ./roster:FuzzCSVReader ./roster:FuzzJSONReader ./render:FuzzRender; do
    pkg=${target%%:*} name=${target##*:}
    log "fuzz $name ($fuzztime)"
    go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" "$pkg"
  done
fi
