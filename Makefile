GO ?= go
BIN := bin/annc

.PHONY: all build demo test pytest race fuzz bench gallery clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/annc

# Build annc, compile and run the COBA example with a fixed seed (its figures
# can be reproduced), plot its results.
demo: build
	mkdir -p _demo
	cd _demo && ../$(BIN) run ../examples/coba/model.yaml -seed 1 -out results/coba -progress -plot
	@echo "results: _demo/results/coba (manifest.json, *.npy, *.png)"

test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...
	$(GO) test -count=1 -race ./runtime/
	$(GO) test -count=1 -race -run TestDeterminism ./internal/e2e/
	$(MAKE) pytest

# The Python package's tests (python/tests): they need python3 with numpy
# (Debian's python3-numpy) and cgo; without numpy they are skipped.
PYTHON ?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)
pytest: build
	@if $(PYTHON) -c 'import numpy' 2>/dev/null; then \
		ANNC_BIN=$(CURDIR)/$(BIN) $(PYTHON) -m unittest discover -s python/tests; \
	else \
		echo "skipping the Python tests: $(PYTHON) cannot import numpy (apt-get install python3-numpy)"; \
	fi

# Fuzz each target for FUZZTIME (CI runs a short bounded round; the seed
# corpora in testdata/fuzz also run as plain tests in `make test`).
# scripts/fuzz.sh lists the targets and tells a failing input from the fuzz
# coordinator's own deadline race.
FUZZTIME ?= 60s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh

bench: build
	bash bench/run.sh

clean:
	rm -rf bin _demo annarchy results

# Regenerate the example figures and the page showing them (docs/GALLERY.md):
# every examples/*/model.yaml, run with seed 1 and plotted.
gallery: build
	ANNC=$(CURDIR)/$(BIN) bash scripts/gallery.sh
