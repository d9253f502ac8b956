# muster: the two commands a newcomer needs are `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
MUSTER := $(BUILD_DIR)/muster

.PHONY: all deps build web test run bench fuzz lint clean

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
	@bench/memory.sh $(MUSTER)
	@bench/pg.sh $(MUSTER)
	@$(BUILD_DIR)/muster_bench --benchmark_min_time=1

# Fuzzing with libFuzzer, ASan and UBSan (clang) in build-fuzz: each target of fuzz/ runs for
# FUZZ_SECONDS, starting from its corpus in tests/data/fuzz; findings go to var/fuzz.
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/install-deps --fuzz
	@cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
		-DCMAKE_CXX_COMPILER=clang++ -DMUSTER_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target api_fuzz csv_fuzz receipt_fuzz xff_fuzz
	@scripts/fuzz build-fuzz $(FUZZ_SECONDS)

# Static checks with clang in build-lint: building runs clang's thread-safety analysis over the
# lock annotations (ABSL_GUARDED_BY and the like; -Wthread-safety as an error), then clang-tidy
# runs the checks of .clang-tidy over src/. Any finding fails. Not part of `make test`.
lint:
	@scripts/install-deps --lint
	@cmake -S . -B build-lint -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
		-DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DMUSTER_LINT=ON -DCMAKE_CXX_FLAGS="-Wthread-safety -Werror=thread-safety" >/dev/null
	@cmake --build build-lint -j $(JOBS)
	@run-clang-tidy -p build-lint -quiet -j $(JOBS) '$(CURDIR)/src/' >build-lint/clang-tidy.log 2>&1 \
		|| { sed 's/\x1b\[[0-9;]*m//g' build-lint/clang-tidy.log | grep -E -A3 'error:'; \
		     echo "lint: clang-tidy found the above (build-lint/clang-tidy.log)"; exit 1; }
	@echo "lint: clean"

clean:
	rm -rf $(BUILD_DIR) build-fuzz build-lint var
