# Thin front door. Everything real lives in CMake; see README.md.
#   make demo    build, then run the failover demo (scripts/demo.sh)
#   make check   build, then run every test suite through ctest
#   make bench   build, then run every benchmark -> bench/results/summary.csv
BUILD ?= build
JOBS  ?= 2

.PHONY: all deps configure build demo check bench clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)

check: build
	@cd $(BUILD) && ctest --output-on-failure --timeout 900 -j$(JOBS)

bench: build
	@bash scripts/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD)
