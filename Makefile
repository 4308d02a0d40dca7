# comanda: two commands for a newcomer, `make run` and `make test`.
GO ?= go
BIN := bin/comanda

.PHONY: all run build test check bench soak fuzz golden clean cross

all: build

build:
	$(GO) build -o $(BIN) .

# The live demo of the bundled restaurant scenario.
run: build
	./$(BIN) run

# Everything CI runs: vet, then every test with the race detector.
test:
	$(GO) vet ./...
	$(GO) test -race -timeout 9m ./...

# gofmt, vet and the tests, as before a commit.
check:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: the files above need formatting"; exit 1; }
	$(MAKE) test

# The performance figures the issues name, as one table.
bench:
	$(GO) run ./internal/benchtab

# Long chaos and soak runs (the short versions are part of `make test`).
soak:
	COMANDA_SOAK=1 $(GO) test -race -timeout 30m -run 'Soak|Chaos' -v ./...

# Each fuzzer for FUZZTIME (default 60s); new interesting inputs stay in testdata.
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzBoardDecode$$' -fuzztime $(FUZZTIME) ./shm
	$(GO) test -run '^$$' -fuzz '^FuzzIncrementalDecode$$' -fuzztime $(FUZZTIME) ./shm
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./scenarios
	$(GO) test -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZTIME) ./trace
	$(GO) test -run '^$$' -fuzz '^FuzzPatch$$' -fuzztime $(FUZZTIME) ./trace
	$(GO) test -run '^$$' -fuzz '^FuzzDiff$$' -fuzztime $(FUZZTIME) ./trace
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeEvent$$' -fuzztime $(FUZZTIME) ./trace

# Rewrite golden files from current output; read the diff before committing.
golden:
	$(GO) test ./... -update

# Students run Windows and macOS.
cross:
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null ./...
	GOOS=darwin GOARCH=arm64 $(GO) build -o /dev/null ./...
	GOOS=linux GOARCH=arm64 $(GO) build -o /dev/null ./...

clean:
	rm -rf bin
