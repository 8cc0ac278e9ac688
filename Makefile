# DPSynth: two commands do everything on a fresh Debian machine.
#   make demo   installs what is missing, builds, and runs the demo pipeline
#   make test   installs what is missing, builds, and runs every test

SWIFT ?= swift
BUILD_FLAGS ?= -c release
JOBS ?= 2

.PHONY: all deps build test demo bench clean

all: build

deps:
	@bash scripts/install-system-deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS) -j $(JOBS)

test: deps
	$(SWIFT) build --build-tests -j $(JOBS)
	$(SWIFT) test --skip-build

demo: build
	@bash scripts/demo.sh "$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/dpsynth"

bench: deps datasets
	@mkdir -p .build
	gcc -O3 -o .build/marginal3-reference Benchmarks/reference/marginal3.c && .build/marginal3-reference
	python3 Benchmarks/reference/numpy_marginals.py
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

clean:
	rm -rf .build .data
