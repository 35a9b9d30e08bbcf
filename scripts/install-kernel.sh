#!/usr/bin/env bash
# Install the tslab (TypeScript) Jupyter kernel spec, once. Idempotent: does nothing when `jupyter kernelspec list`
# already shows tslab.
#
# Uses Debian's Jupyter (/usr/bin/python3, /usr/bin/jupyter), not another python3 that may come first on PATH
# (pyenv): the kernel spec must land where the jupyter that runs nbconvert looks. As root it lands in
# /usr/local/share/jupyter/kernels/tslab, otherwise in ~/.local/share/jupyter/kernels/tslab — both on Jupyter's
# default search path. The spec runs the command `tslab`, so whoever starts Jupyter must have
# <repo>/node_modules/.bin on PATH (scripts/run-notebooks.sh does this).
#
# Env: PYTHON (default /usr/bin/python3), JUPYTER (default /usr/bin/jupyter).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}; [ -x "$PYTHON" ] || PYTHON=python3
JUPYTER=${JUPYTER:-/usr/bin/jupyter}; [ -x "$JUPYTER" ] || JUPYTER=jupyter
export PYDEVD_DISABLE_FILE_VALIDATION=1   # silence Debian python's frozen-modules debugger warning

if ! command -v "$JUPYTER" >/dev/null 2>&1; then
  echo "install-kernel: jupyter not found. Install it: apt-get install -y jupyter-notebook jupyter-nbconvert jupyter-client python3-nbclient python3-ipykernel" >&2
  exit 1
fi
if [ ! -x "$root/node_modules/.bin/tslab" ]; then
  echo "install-kernel: $root/node_modules/.bin/tslab missing; run npm ci first" >&2
  exit 1
fi
# Where the tslab spec is, or empty. (Read the whole listing first: `| grep -q` + pipefail can fail on SIGPIPE.)
tslab_spec() { "$JUPYTER" kernelspec list 2>/dev/null | awk '$1=="tslab"{print $2}'; }
found=$(tslab_spec)
if [ -n "$found" ]; then
  echo "install-kernel: tslab kernel already installed: $found"
  exit 0
fi
PATH="$root/node_modules/.bin:$PATH" "$root/node_modules/.bin/tslab" install --python="$PYTHON"
found=$(tslab_spec)
if [ -z "$found" ]; then
  echo "install-kernel: tslab installed but '$JUPYTER kernelspec list' does not show it" >&2
  exit 1
fi
echo "install-kernel: installed tslab kernel: $found"
