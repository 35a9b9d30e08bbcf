#!/usr/bin/env bash
# Installs the Debian packages the notebooks and static figures need, only when they are missing:
#   chromium                      static PNG/SVG export of figures (playwright-core drives it)
#   jupyter nbconvert + ipykernel headless execution of the tslab notebooks (`make notebooks`, part of `make test`)
#   python3-sklearn, python3-torch reference implementations that made the test fixtures, and the PyTorch peer in bench/
# Needs root (or sudo) and apt; without them it prints what is missing and exits 0, so the library itself still works.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c 'import nbclient, ipykernel, nbconvert' >/dev/null 2>&1 \
  || need+=(jupyter-notebook jupyter-nbconvert jupyter-client python3-nbclient python3-ipykernel)
if [ "${LMI_SETUP_PEERS:-0}" = "1" ]; then
  /usr/bin/python3 -c 'import sklearn' >/dev/null 2>&1 || need+=(python3-sklearn)
  /usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need+=(python3-torch)
  /usr/bin/python3 -c 'import sentencepiece' >/dev/null 2>&1 || need+=(python3-sentencepiece)
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "[setup-system] system packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "[setup-system] missing Debian packages: ${need[*]} (run as root: apt-get install -y ${need[*]})" >&2
    exit 0
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "[setup-system] no apt-get; install these yourself: ${need[*]}" >&2
  exit 0
fi
echo "[setup-system] installing: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
echo "[setup-system] done"
