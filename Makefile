# Candor: `make run` brings the service up on this machine; `make test` runs
# every test against real SQLite, PostgreSQL, Redis and SMTP.
SHELL   := /bin/bash
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: run stop test build vet fmt bench clean

build:
	@[ -x bin/candor ] || echo "==> compiling candor (the first build takes a minute or more: SQLite is C, built with cgo)"
	go build -ldflags "$(LDFLAGS)" -o bin/candor ./cmd/candor

run: build
	@scripts/run.sh

# stop: the Redis `make run` started under ./var/redis, if it still runs.
stop:
	@bash -c 'source scripts/lib.sh; stop_redis "$${CANDOR_VAR:-./var}/redis" "$${CANDOR_REDIS_PORT:-6379}"'

test:
	@scripts/test.sh

vet:
	gofmt -l . | tee /dev/stderr | (! read)
	go vet ./...

clean:
	rm -rf bin
