GO ?= go
BIN := bin/annc

.PHONY: all build demo test race fuzz bench gallery clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/annc

# Build annc, compile and run the COBA example, plot its results.
demo: build
	mkdir -p _demo
	cd _demo && ../$(BIN) run ../examples/coba/model.yaml -out results/coba -progress -plot
	@echo "results: _demo/results/coba (manifest.json, *.npy, *.png)"

test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race ./runtime/

fuzz:
	$(GO) test ./parser -run '^$$' -fuzz FuzzParseEquations -fuzztime 60s
	$(GO) test ./parser -run '^$$' -fuzz FuzzParseModel -fuzztime 60s

bench: build
	bash bench/run.sh

clean:
	rm -rf bin _demo annarchy results
