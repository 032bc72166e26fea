#!/usr/bin/env bash
# make run: a local Redis with its data under ./var/redis, the database
# migrated, a data key and a first admin token made the first time, then
# `candor run` in the foreground.
source "$(dirname "$0")/lib.sh"
var=${CANDOR_VAR:-./var}
mkdir -p "$var" "$var/outbox"
chmod 700 "$var"
ensure_redis
ensure_pdf
redis_port=${CANDOR_REDIS_PORT:-6379}
started_redis=
redis-cli -p "$redis_port" ping >/dev/null 2>&1 || started_redis=1
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
token=
if [ ! -s "$var/admin.token" ]; then
  token=$($bin token create --name "first admin" --role admin --if-none)
  if [ -n "$token" ]; then (umask 077; echo "$token" > "$var/admin.token"); fi
fi
# The secret is shown once, the run that made it; later runs say where it is.
if [ -n "$token" ]; then
  token_line="admin token (shown once; kept in $var/admin.token, mode 0600): $token"
else
  token_line="admin token: in $var/admin.token (or make one: $bin token create --name N --role admin)"
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
    $token_line

  Try: curl -H "Authorization: Bearer \$(cat $var/admin.token)" http://$listen/api/v1/incidents

MSG
# candor runs in the foreground; Ctrl-C (or SIGTERM) stops it gracefully,
# and then the Redis this run started, so a second checkout does not find
# this one's still answering (`make stop` stops it too).
$bin run &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' INT TERM
status=0
wait "$pid" || status=$?
wait "$pid" 2>/dev/null || true # after a signal: until candor has drained
[ -n "$started_redis" ] && stop_redis "$var/redis" "$redis_port"
exit "$status"
