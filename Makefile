# Two entry points, both doing their own set-up on a fresh machine:
#   make book   build the static book into _build/html (executes every chapter)
#   make test   the whole test suite: unit tests, pairing and twin checks, nbval,
#               the book build with -W, and real-browser checks in headless Chromium
# Debian packages the tests need (see .ci/run): chromium, dataset-fashion-mnist.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export KERAS_BACKEND := tensorflow
export PYTHONHASHSEED := 0

.PHONY: book test unit notebooks browser vendor pair benchmark seeds clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

vendor: $(STAMP)
	$(BIN)/python scripts/vendor_assets.py

# The book shows precomputed (kernel-free) sliders: DLSBS_STATIC_WIDGETS=1.
book: $(STAMP) vendor
	DLSBS_STATIC_WIDGETS=1 $(BIN)/jupyter-book build . -W -n --keep-going

unit: $(STAMP) vendor
	$(BIN)/python -m pytest -q -m "not browser" tests

notebooks: $(STAMP)
	DLSBS_OFFLINE=1 $(BIN)/python -m pytest -q --nbval-lax -p no:cacheprovider notebooks

browser: $(STAMP)
	DLSBS_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q -m browser tests

test: unit notebooks
	DLSBS_OFFLINE=1 $(MAKE) book
	$(MAKE) browser

# Re-generate notebooks/*.ipynb from their book/*.md sources.
pair: $(STAMP)
	$(BIN)/jupytext --sync $$(grep -rl "^kernelspec:" book --include="*.md")

# Every notebook again with two other seeds: asserts and claims must not hold by luck.
seeds: $(STAMP)
	for seed in 1 2; do \
	  DLSBS_SEED=$$seed DLSBS_OFFLINE=1 $(BIN)/python -m pytest -q --nbval-lax -p no:cacheprovider notebooks || exit 1; \
	done

benchmark: $(STAMP)
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf _build
