# Shortcuts for what .ci/run does; CI itself runs .ci/run (make ci).
# The tool versions live in .ci/run, which installs them.

GO ?= go
PKG ?= ./...
export PATH := $(shell $(GO) env GOPATH)/bin:$(PATH)

.PHONY: all build test test-postgres lint bench ci version

all: lint test

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o roster ./cmd/roster

# The SQLite pass of .ci/run. Narrow it with PKG=./booking/...
test:
	env -u ROSTER_TEST_POSTGRES $(GO) test -race -count=1 -timeout 30m $(PKG)

# The PostgreSQL pass: ROSTER_TEST_POSTGRES must name an existing database.
test-postgres:
	@test -n "$$ROSTER_TEST_POSTGRES" || { echo "set ROSTER_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/DB?sslmode=disable"; exit 1; }
	$(GO) test -race -count=1 -timeout 30m $(PKG)

# gofmt, go mod tidy, go vet, staticcheck and golangci-lint, as .ci/run.
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet $(PKG)
	staticcheck $(PKG)
	golangci-lint run $(PKG)

bench:
	bash bench/run.sh

ci:
	bash .ci/run

version:
	$(GO) run ./cmd/roster version
