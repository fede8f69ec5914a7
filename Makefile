# The two commands a new machine needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON_VERSION ?= 3.11
# uv from PATH, else the one pip installs for this user (run as a module, so
# that where pip puts its script does not matter).
UV ?= $(if $(shell command -v uv 2>/dev/null),uv,python3 -m uv)
HOST ?= 127.0.0.1
PORT ?= 8000
# The tests run on the machine's PostgreSQL server unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/marketplace
RUN = $(UV) run --frozen --no-sync

.PHONY: run test install bench lint format schema seed migrate manage

install:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --user --quiet \
	  --disable-pip-version-check uv 2>/dev/null || python3 -m pip install --user \
	  --quiet --disable-pip-version-check --break-system-packages uv
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
