# OpenIOP container image: a static binary on a distroless base, running as a
# non-root user. Data (the SQLite file) lives in the /data volume; for
# PostgreSQL set IOP_DATABASE_URL instead.
#
#   docker build -t openiop .
#   docker run -p 8080:8080 -v openiop-data:/data -e IOP_BASE_URL=https://iop.example.org openiop
#
# Put it behind a reverse proxy that terminates TLS (see docs/operators.md),
# and set IOP_TRUST_PROXY=true there.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/openiop/openiop/internal/app.Version=${VERSION}" -o /out/iop ./cmd/iop

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/iop /usr/local/bin/iop
USER nonroot:nonroot
VOLUME ["/data"]
ENV IOP_ADDR=0.0.0.0:8080 IOP_DATA_DIR=/data IOP_LOG_FORMAT=json
EXPOSE 8080
# Probe GET /readyz (ready to serve) and GET /healthz (alive) from the orchestrator.
ENTRYPOINT ["/usr/local/bin/iop"]
CMD ["serve"]
