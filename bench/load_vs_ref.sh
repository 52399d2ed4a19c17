#!/usr/bin/env bash
# The load benchmark on an earlier commit and on this checkout, one after the other on the same machine, so
# the two are compared within one run (machines differ by 2x; figures from another day compare nothing).
#   bench/load_vs_ref.sh 5401e9f [bench/load.py options, e.g. --levels 10 50 100] [-- options for this checkout only]
# e.g. the production shape against the earlier commit's embedded default:
#   bench/load_vs_ref.sh 5401e9f --levels 10 50 100 -- --workers 2 --rasa-replicas 2 --postgres \
#       --redis-url redis://127.0.0.1:6379/0
# The earlier commit is checked out in a worktree beside this one, sharing .venvs; its own `laborbot train`
# and `laborbot kb build` prepare its model and index, and its own bench/load.py measures it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REF=${1:?usage: bench/load_vs_ref.sh <commit> [bench/load.py options] [-- options for this checkout only]}
shift
COMMON=() OURS=()
while (($#)); do [[ $1 == -- ]] && { shift; OURS=("$@"); break; }; COMMON+=("$1"); shift; done
BASE=${LABORBOT_BASELINE_DIR:-$ROOT/../laborbot-baseline-$REF}
PY=$ROOT/.venvs/app/bin/python
cli() { (cd "$1" && shift && "$PY" -c "import sys; from api.cli import app; sys.argv[0] = 'laborbot'; app()" "$@"); }

[[ -d $BASE ]] || git worktree add --detach "$BASE" "$REF"
[[ -e $BASE/.venvs ]] || ln -s "$ROOT/.venvs" "$BASE/.venvs"
cli "$BASE" train
cli "$BASE" kb build

echo "=== baseline: $(git -C "$BASE" log -1 --format='%h %s' | cut -c1-100)"
(cd "$BASE" && LABORBOT_INDEX_DIR=$BASE/var/index "$PY" bench/load.py "${COMMON[@]}")
echo
echo "=== this checkout: $(git log -1 --format='%h %s' | cut -c1-100)$(git diff --quiet || echo ' (with uncommitted changes)')"
"$PY" bench/load.py "${COMMON[@]}" "${OURS[@]}"
