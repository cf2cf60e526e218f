#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter, the newest version Rasa 3.6 supports.
# Looks on PATH first, then in pyenv's versions; exits 1 with a clear message if there is none.
set -euo pipefail

is_python310() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1
}

for candidate in python3.10 python3 python; do
  path=$(command -v "$candidate" 2>/dev/null || true)
  if [ -n "$path" ] && is_python310 "$path"; then
    # A pyenv shim resolves to a real interpreter; print that, so the venv does not depend on the shim.
    "$path" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done

pyenv_root=""
if command -v pyenv >/dev/null 2>&1; then
  pyenv_root=$(pyenv root 2>/dev/null || true)
fi
[ -n "$pyenv_root" ] || pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
if [ -d "$pyenv_root/versions" ]; then
  for dir in $(ls -d "$pyenv_root"/versions/3.10* 2>/dev/null | sort -V -r); do
    if is_python310 "$dir/bin/python"; then
      echo "$dir/bin/python"
      exit 0
    fi
  done
fi

cat >&2 <<'MSG'
error: no Python 3.10 interpreter found.
Rasa 3.6 runs on Python 3.8-3.10 only, and this project pins 3.10.
Install one, for example with pyenv:  pyenv install 3.10.13
or point PYTHON at it:                make run PYTHON=/path/to/python3.10
MSG
exit 1
