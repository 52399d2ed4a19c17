#!/usr/bin/env bash
# Run the whole test suite (unit + slow end-to-end) with real parts: trained model, real index,
# SQLite and the local PostgreSQL server, real HTTP servers on 127.0.0.1, Debian Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
APP=.venvs/app/bin
export PYTHONPATH=$PWD

# PostgreSQL runs on every machine of this project; start it if it was stopped.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
fi

# Style first: it takes seconds and fails fast.
$APP/ruff check .
$APP/ruff format --check .

# What the product needs, built by the product's own commands (skipped when up to date).
$APP/laborbot db upgrade
$APP/laborbot train
$APP/laborbot kb build

# Two interpreters: Rasa-side tests (custom components, actions, dialogue) run in the Rasa
# environment, everything else in the app environment; tests/conftest.py splits them.
# Pass -m "not slow" to skip the end-to-end tests while developing.
started=$SECONDS
.venvs/rasa/bin/python -m pytest -q -p no:cacheprovider --durations=5 "$@"
rasa_s=$((SECONDS - started))
$APP/python -m pytest -q --durations=10 "$@"
echo "test time: Rasa environment ${rasa_s} s, app environment $((SECONDS - started - rasa_s)) s"
