# The two commands a new machine needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON_VERSION ?= 3.11
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000
# The tests run on the machine's PostgreSQL server unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/marketplace
RUN = $(UV) run --frozen --no-sync

.PHONY: run test install bench lint format schema seed migrate manage

$(UV):
	python3 -m pip install --user --quiet --disable-pip-version-check uv

install: $(UV)
	$(UV) sync --frozen --python $(PYTHON_VERSION)

run: install
	HOST=$(HOST) PORT=$(PORT) $(RUN) python -m marketplace run

test: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(RUN) pytest $(PYTEST_ARGS)

bench: install
	$(RUN) python -m bench

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format: install
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

schema: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} SECRET_KEY=schema $(RUN) python manage.py print_schema > schema.graphql

seed: install
	$(RUN) python -m marketplace manage seed_demo

manage: install
	$(RUN) python -m marketplace manage $(ARGS)
