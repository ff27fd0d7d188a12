# soberana — developer tasks. `make check` is what CI runs besides the
# integration tests; run it before you push.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.9.0
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable

.PHONY: check fmt vet lint layering test test-integration build run vuln golden

check: fmt vet lint layering test

# The layering rules of docs/architecture.md: cli/console import no store,
# api imports no driver, only internal/workload writes workload state.
layering:
	go test -count=1 ./scripts/layering

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	go vet ./...

lint:
	go run $(STATICCHECK) ./...

test:
	go test -race ./...

# Integration tests against a real PostgreSQL (and, as they land, the other
# real peers). .ci/run starts the peers on a fresh machine.
test-integration:
	SOBERANA_TEST_POSTGRES_URL='$(PG_URL)' go test -race -count=1 ./...

build:
	go build -o soberana ./cmd/soberana

run:
	go run ./cmd/soberana up

vuln:
	go run $(GOVULNCHECK) ./...

golden:
	go test ./internal/server -run OpenAPI -update
