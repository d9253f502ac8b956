# muster: the two commands a newcomer needs are `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
MUSTER := $(BUILD_DIR)/muster

.PHONY: all deps build web test run bench clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DMUSTER_WERROR=ON >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@$(MAKE) --no-print-directory web

# The web portal: npm ci when node_modules is missing or older than package-lock.json, then
# the Vite build into web/dist, which `muster serve` serves.
web:
	@cd web && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; }
	@cd web && npm run --silent build

test: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

run: build
	@scripts/demo $(MUSTER)

bench: build
	@scripts/install-deps --bench
	@bench/import.sh $(MUSTER)
	@bench/lifecycle.sh $(MUSTER)
	@bench/http.sh $(MUSTER)
	@bench/pg.sh $(MUSTER)
	@$(BUILD_DIR)/muster_bench --benchmark_min_time=1

clean:
	rm -rf $(BUILD_DIR) var
