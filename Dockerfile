# Multi-stage build of the one candor binary. SQLite support needs cgo, so the
# binary is linked statically against glibc in the build stage; the runtime
# image runs it as a non-root user.
# (No Docker engine runs on the development machines: this file is checked
# by reading, not by building; see README.)
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath \
      -tags "sqlite_omit_load_extension,netgo,osusergo" \
      -ldflags "-s -w -X main.version=${VERSION} -linkmode external -extldflags -static" \
      -o /out/candor ./cmd/candor

# The runtime is Debian (not distroless) because package pdf prints filing
# packs and evidence reports with Debian's headless Chromium and needs the
# Japanese and Thai fonts; candor finds it as `chromium` on PATH.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-noto-cjk fonts-thai-tlwg fonts-liberation fonts-ipafont-gothic ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 65532 --create-home --home-dir /home/nonroot nonroot
COPY --from=build /out/candor /usr/local/bin/candor
USER nonroot:nonroot
WORKDIR /home/nonroot
# MALLOC_ARENA_MAX: see README, Operations (SQLite's memory under glibc).
ENV MALLOC_ARENA_MAX=2 \
    CANDOR_LISTEN=0.0.0.0:8080 \
    CANDOR_DATABASE_URL=sqlite:/home/nonroot/var/candor.db \
    CANDOR_OUTBOX_DIR=/home/nonroot/var/outbox
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/candor"]
CMD ["run"]
