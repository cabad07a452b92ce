#!/usr/bin/env bash
# Creates bench/compare/.venv-peers with the Python peers pinned in requirements.txt.
# Idempotent: a stamp (requirements.txt's hash and the interpreter's version) makes a second run a
# no-op; a changed requirements.txt or interpreter rebuilds the venv from scratch.
#   bash bench/compare/peers/python/install.sh          # PYTHON=python3.13 to pick the interpreter
#   PEERS_VENV=/some/dir bash .../install.sh            # another venv location
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${PEERS_VENV:-$(cd "$here/../.." && pwd)/.venv-peers}"
python="${PYTHON:-python3}"
stamp="$venv/.python-peers.stamp"

want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version.split()[0])')"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "python peers: up to date in $venv"
    exit 0
fi
echo "python peers: installing into $venv ($want)"
"$python" -m venv --clear "$venv"
printf '*\n' > "$venv/.gitignore"   # keep the venv out of git (Python 3.13's venv does this itself)
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
echo "$want" > "$stamp"
echo "python peers: installed"
