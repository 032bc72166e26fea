#!/usr/bin/env bash
# make run: a local Redis with its data under ./var/redis, the database
# migrated, a data key and a first admin token made the first time, then
# `candor run` in the foreground.
source "$(dirname "$0")/lib.sh"
var=${CANDOR_VAR:-./var}
mkdir -p "$var" "$var/outbox"
chmod 700 "$var"
ensure_redis
redis_port=${CANDOR_REDIS_PORT:-6379}
start_redis "$var/redis" "$redis_port"
export CANDOR_REDIS_URL=${CANDOR_REDIS_URL:-redis://127.0.0.1:$redis_port/0}
# Two glibc malloc arenas, not up to sixteen: README, Operations.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}

if [ -z "${CANDOR_DATA_KEY:-}" ] && [ ! -s "$var/data.key" ]; then
  log "generating the data encryption key in $var/data.key (back it up: without it the customer data cannot be read)"
  (umask 077; head -c 32 /dev/urandom | base64 > "$var/data.key")
fi

bin=./bin/candor
$bin migrate up
if [ ! -s "$var/admin.token" ]; then
  token=$($bin token create --name "first admin" --role admin --if-none)
  if [ -n "$token" ]; then (umask 077; echo "$token" > "$var/admin.token"); fi
fi
listen=${CANDOR_LISTEN:-127.0.0.1:8080}
cat <<MSG

  Candor is starting on http://$listen
    console:   http://$listen/   (to sign in, make yourself a person and open the link printed by
               $bin person create --email you@example.com --name You --role admin
               $bin person invite --email you@example.com)
    API:       http://$listen/api/v1/incidents   (OpenAPI: /api/v1/openapi.json, with a token)
    health:    http://$listen/healthz   readiness: http://$listen/readyz
    outbox:    $var/outbox/ (mail goes here unless CANDOR_SMTP_URL is set)
    admin token (kept in $var/admin.token):
      $(cat "$var/admin.token" 2>/dev/null || echo "(an admin token exists already; see candor token list)")

  Try: curl -H "Authorization: Bearer \$(cat $var/admin.token)" http://$listen/api/v1/incidents

MSG
exec $bin run
