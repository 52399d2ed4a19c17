#!/usr/bin/env bash
# Build both Python environments; idempotent and quick when nothing changed.
#   scripts/setup.sh          the product
#   scripts/setup.sh --test   also test tools and Debian Chromium for browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENVS=${LABORBOT_VENVS:-$ROOT/.venvs}
STAMPS=$VENVS/.stamps
mkdir -p "$STAMPS"
WITH_TEST=0
[[ "${1:-}" == "--test" ]] && WITH_TEST=1

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
stamp_ok() { [[ -f "$STAMPS/$1" && "$(cat "$STAMPS/$1")" == "$2" ]]; }

PY310=${LABORBOT_PY310:-}
if [[ -z "$PY310" ]]; then
  PY310="$(pyenv prefix 3.10.13 2>/dev/null || true)/bin/python"
fi
if [[ ! -x "$PY310" ]]; then
  echo "错误: 需要 Python 3.10.13 (pyenv) 来运行 Rasa 3.6.21。" >&2
  echo "  安装: pyenv install 3.10.13，或设置 LABORBOT_PY310=/path/to/python3.10" >&2
  exit 1
fi
PY311=${LABORBOT_PY311:-python3.11}
command -v "$PY311" >/dev/null || PY311=python3
"$PY311" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null || {
  echo "错误: 应用环境需要 Python 3.11（设置 LABORBOT_PY311）" >&2; exit 1; }

rasa_hash=$(sha256sum requirements/rasa.txt | cut -c1-16)
if ! stamp_ok rasa "$rasa_hash" || [[ ! -x "$VENVS/rasa/bin/rasa" ]]; then
  say "Rasa 环境 (Python 3.10, 首次约 2–6 分钟)"
  [[ -x "$VENVS/rasa/bin/python" ]] || "$PY310" -m venv "$VENVS/rasa"
  "$VENVS/rasa/bin/pip" install -q --upgrade pip  # setuptools and wheel: what Rasa pins
  "$VENVS/rasa/bin/pip" install -q -r requirements/rasa.txt
  echo "$rasa_hash" > "$STAMPS/rasa"
fi

extras="" ; [[ $WITH_TEST == 1 ]] && extras="[test]"
app_hash=$( (cat pyproject.toml; echo "$extras") | sha256sum | cut -c1-16)
if ! stamp_ok app "$app_hash" || [[ ! -x "$VENVS/app/bin/laborbot" ]]; then
  say "应用环境 (Python 3.11)"
  [[ -x "$VENVS/app/bin/python" ]] || "$PY311" -m venv "$VENVS/app"
  "$VENVS/app/bin/pip" install -q --upgrade pip
  # The CPU build of torch, from this machine's wheel store, before anything that depends on torch.
  "$VENVS/app/bin/pip" install -q torch==2.13.0
  "$VENVS/app/bin/pip" install -q -e ".$extras"
  echo "$app_hash" > "$STAMPS/app"
fi

if [[ $WITH_TEST == 1 ]]; then
  # Debian Chromium for browser tests, and a CJK font so pages render Chinese text.
  if ! command -v chromium >/dev/null || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    say "Debian Chromium 与中文字体（浏览器测试）"
    SUDO=""; [[ $(id -u) == 0 ]] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null
  fi
fi
say "环境就绪"
