# The two commands a fresh machine needs are `make demo` (or `go run ./cmd/iop serve --demo`)
# and `make test`. The rest are for developers and CI.

GO ?= go

.PHONY: demo test test-race check bench bench-crash bench-security build

## demo: run the server on http://127.0.0.1:8080 with a demo center in ./data
demo:
	$(GO) run ./cmd/iop serve --demo

## test: every test, on SQLite and PostgreSQL, with the browser tests in headless Chromium
test:
	./scripts/ensure-test-tools
	$(GO) test -count=1 -timeout 25m ./...

## test-race: the concurrent parts under the race detector
test-race:
	$(GO) test -count=1 -timeout 25m -race ./internal/audit ./internal/auth ./internal/web ./internal/store

## check: static analysis (go vet, staticcheck, govulncheck against the offline database)
check:
	./scripts/check

## bench: the HTTP load benchmark (prints requests/s and latency against a trivial Go handler)
bench:
	$(GO) run ./bench/load

## bench-crash: 100 rounds of the crash harness on both engines (SIGKILL under load; prints lost and duplicated writes)
bench-crash:
	IOP_CRASH_ROUNDS=100 $(GO) test ./internal/app -run TestCrashConsistency -count=1 -v -timeout 60m | grep -E 'crash-consistency|FAIL|ok'

## bench-security: the authorization, care-team, consent and stored-XSS matrices with their figures
bench-security:
	$(GO) test ./internal/web ./internal/store -run 'TestEveryRouteEnforcesItsPermission|TestEveryClientRouteHidesRecordsOutsideTheCareTeam|TestConsentMatrix|TestStoredTextIsEscapedOnEveryPage' -count=1 -v | grep -E 'security-|consent-matrix|xss-probe|FAIL|^ok'

## build: a static binary in ./iop
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w" -o iop ./cmd/iop
