# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint bench-extraction page-model clean

# The package alone (the demo needs nothing more), then the test tools on top.
$(BIN)/ainews: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-tools: $(BIN)/ainews
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/ainews  ## a .venv with the ainews command

demo: $(BIN)/ainews  ## crawl the bundled offline demo sites into ./data/archive and summarize
	$(BIN)/ainews demo

test: $(VENV)/.test-tools  ## lint, type-check and run the whole test suite
	$(BIN)/ruff check ainews crawler pipelines archive extractor report tests bench scripts
	$(BIN)/mypy
	$(BIN)/pytest -q -n 3 --dist worksteal

bench-extraction: $(VENV)/.test-tools
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) data build *.egg-info

page-model: $(VENV)/.test-tools  ## re-measure the labelled pages (needs ../shared/bench) and retrain the page classifier
	$(BIN)/python -m scripts.page_training features
	$(BIN)/python -m scripts.page_training fit
