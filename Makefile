# The two commands of README.md: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate demo lint messages clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever a requirements file changes: the runtime set and the test and development
# tools (a production server installs requirements.txt only; README, "Deploying").
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The Nu HTML Checker for the validity tests, from the npm registry; without npm those tests skip.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the HTML validity tests will be skipped"; fi

install: $(VENV)/.installed node_modules/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

# The local demo signs in with the password alone (OTP_REQUIRED=false, honoured only while DEBUG
# is on); `make run OTP_REQUIRED=true` tries two-factor sign-in as production has it.
OTP_REQUIRED ?= false
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C stops)"
	OTP_REQUIRED=$(OTP_REQUIRED) $(PY) manage.py runserver $(HOST):$(PORT)

# One worker per core, each test file on one worker (its fixtures and browser stay together);
# `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# Refresh the translation catalogues after changing user-facing text, then translate them.
messages: install
	$(PY) manage.py makemessages --locale fi --locale sv --locale en --no-obsolete --add-location file \
		--ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'node_modules/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
