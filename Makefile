# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench-extraction page-model clean

$(BIN)/ainews: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/ainews  ## crawl the bundled offline demo sites into ./data/archive and summarize
	$(BIN)/ainews demo

test: $(BIN)/ainews  ## lint, type-check and run the whole test suite
	$(BIN)/ruff check ainews crawler pipelines archive extractor report tests bench scripts
	$(BIN)/mypy
	$(BIN)/pytest -q -n 3 --dist worksteal

bench-extraction: $(BIN)/ainews
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) data build *.egg-info

page-model: $(BIN)/ainews  ## re-measure the labelled pages (needs ../shared/bench) and retrain the page classifier
	$(BIN)/python -m scripts.page_training features
	$(BIN)/python -m scripts.page_training fit
