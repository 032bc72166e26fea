# Candor: `make run` brings the service up on this machine; `make test` runs
# every test against real SQLite, PostgreSQL, Redis and SMTP.
SHELL   := /bin/bash
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: run test build vet fmt bench clean

build:
	go build -ldflags "$(LDFLAGS)" -o bin/candor ./cmd/candor

run: build
	@scripts/run.sh

test:
	@scripts/test.sh

vet:
	gofmt -l . | tee /dev/stderr | (! read)
	go vet ./...

clean:
	rm -rf bin
