# The two commands (see README.md):
#   make demo   installs what is missing, builds, runs the demo
#   make test   installs what is missing, builds, runs every test (what CI runs)
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
FIGURANT := $(BUILD_DIR)/apps/figurant/figurant

.PHONY: all deps configure build test test-fast demo bench lint clean

all: build

deps:
	@./scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) > /dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Every test, slow ones included (CI runs this).
test: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# Everything except the tests labelled slow (clang-tidy over the tree, the CLI kill-mid-write test).
test-fast: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -LE slow

# The demo's bodies are MakeHuman's, from the data the repository carries (assets/makehuman).
demo: build
	@$(FIGURANT) demo --dir demo-out

# clang-format and clang-tidy over the tree, as `make test` runs them.
lint: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -L lint

# The Google Benchmark suites, each once, results as JSON in $(BUILD_DIR)/bench-results/.
bench: build
	@./scripts/run-benchmarks.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
