# The two commands a newcomer needs: `make demo` and `make test`. Both create the virtualenv
# and install everything themselves (torch is pinned to a CPU build; see README).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
TORCH ?= torch==2.13.0
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: install demo test test-unit lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "$(TORCH)"
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/matcher demo

test: install
	$(PY) -m pytest -q -p no:cacheprovider

test-unit: install
	$(PY) -m pytest -q -m "not integration"

lint: install
	$(VENV)/bin/ruff check matcher streams tests
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# ---- Quality benchmarks (long; not part of `make test`). Results land in $(RUNS). ----
DATA ?= ../shared/datasets
RUNS ?= runs
EPOCHS ?= 3
SEQ ?= 128
MATCHER := $(VENV)/bin/matcher

.PHONY: bench-phones bench-benchmarks

# Seed domain: generate, zero-shot, fine-tune, calibrate on valid offers, measure on test offers.
bench-phones: install
	$(MATCHER) generate --out $(RUNS)/phones --seed 42
	$(MATCHER) eval --catalog $(RUNS)/phones/catalog.jsonl --offers $(RUNS)/phones/offers_test.jsonl \
	  --valid-offers $(RUNS)/phones/offers_valid.jsonl
	$(MATCHER) train --train $(RUNS)/phones/pairs_train.csv --valid $(RUNS)/phones/pairs_valid.csv \
	  --out $(RUNS)/phones-minilm --epochs 1
	$(MATCHER) eval --model $(RUNS)/phones-minilm --catalog $(RUNS)/phones/catalog.jsonl \
	  --offers $(RUNS)/phones/offers_test.jsonl --valid-offers $(RUNS)/phones/offers_valid.jsonl --write-threshold

# Public benchmarks: zero-shot and fine-tuned MiniLM on Abt-Buy and Amazon-Google.
bench-benchmarks: install
	for d in amazon-google abt-buy; do \
	  $(MATCHER) eval --pairs $(DATA)/$$d --max-seq-length $(SEQ) --json --plot $(RUNS)/$$d-zeroshot.png > $(RUNS)/$$d-zeroshot.json && \
	  $(MATCHER) train --train $(DATA)/$$d/train.txt --valid $(DATA)/$$d/valid.txt --out $(RUNS)/$$d-minilm \
	    --epochs $(EPOCHS) --max-seq-length $(SEQ) --symmetric && \
	  $(MATCHER) eval --pairs $(DATA)/$$d --model $(RUNS)/$$d-minilm --max-seq-length $(SEQ) --json \
	    --plot $(RUNS)/$$d-minilm.png > $(RUNS)/$$d-minilm.json || exit 1; \
	done
