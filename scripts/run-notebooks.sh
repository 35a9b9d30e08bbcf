#!/usr/bin/env bash
# Execute notebooks headlessly (nbclient + tslab kernel, via scripts/execute-notebook.py: what
# `jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=tslab` does, but it also saves the
# partly executed copy and prints the failing cell's stderr, which nbconvert hides for tslab) and write executed
# copies to figures/notebooks/ (NOTEBOOK_OUT overrides); the sources in notebooks/ are never overwritten.
#
#   scripts/run-notebooks.sh                 # every notebooks/*.ipynb, in name order (00-smoke included: ~10 s)
#   scripts/run-notebooks.sh notebooks/01-quickstart.ipynb ...
#   LMI_SMOKE=1 scripts/run-notebooks.sh     # env is inherited by the kernel: notebooks pick tiny configs
#
# The kernel runs with cwd = notebooks/ (nbconvert's choice, and JupyterLab's), and tslab compiles imported .ts
# files only below that cwd. So notebooks import the library as `./src/...` through the symlink
# notebooks/src -> ../src (created here if missing; commit it). `../src/...` does not work under tslab.
#
# Runs every notebook even after a failure; exits 1 if any cell of any notebook errored.
# Executed copies are marked trusted (`jupyter trust`) so that their interactive figures run when opened here.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/node_modules/.bin:$PATH"
export PYDEVD_DISABLE_FILE_VALIDATION=1
JUPYTER=${JUPYTER:-/usr/bin/jupyter}; [ -x "$JUPYTER" ] || JUPYTER=jupyter
PYTHON=${PYTHON:-/usr/bin/python3}; [ -x "$PYTHON" ] || PYTHON=python3
out=${NOTEBOOK_OUT:-figures/notebooks}
timeout=${NOTEBOOK_TIMEOUT:-1800}   # seconds per cell

bash scripts/install-kernel.sh >/dev/null || exit 1
[ -e notebooks/src ] || { ln -s ../src notebooks/src && echo "run-notebooks: created symlink notebooks/src -> ../src"; }

if [ $# -gt 0 ]; then nbs=("$@"); else nbs=(notebooks/*.ipynb); fi
[ -e "${nbs[0]}" ] || { echo "run-notebooks: no notebooks found" >&2; exit 1; }
mkdir -p "$out"
absout=$(cd "$out" && pwd)

elapsed() { local ms=$(( ($(date +%s%N) - $1) / 1000000 )); echo "$((ms / 1000)).$((ms % 1000 / 100))"; }

failed=()
for nb in "${nbs[@]}"; do
  name=$(basename "$nb")
  if [ "$(cd "$(dirname "$nb")" && pwd)" = "$absout" ]; then
    echo "run-notebooks: refusing to execute $nb in place (it is in the output folder)" >&2; failed+=("$nb"); continue
  fi
  t0=$(date +%s%N)
  log=$(mktemp)
  if "$PYTHON" scripts/execute-notebook.py "$nb" "$out/$name" --timeout "$timeout" --kernel tslab 2>"$log"; then
    "$JUPYTER" trust "$out/$name" >/dev/null 2>&1 || true
    printf 'run-notebooks: ok     %-45s %s s  -> %s/%s\n' "$nb" "$(elapsed "$t0")" "$out" "$name"
  else
    printf 'run-notebooks: FAILED %-45s %s s  (partly executed copy: %s/%s)\n' "$nb" "$(elapsed "$t0")" "$out" "$name"
    grep -v 'Debugger warning\|frozen modules\|Xfrozen_modules\|PYDEVD\|Debugging will proceed' "$log" | tail -60 >&2
    failed+=("$nb")
  fi
  rm -f "$log"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "run-notebooks: ${#failed[@]} of ${#nbs[@]} notebook(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "run-notebooks: all ${#nbs[@]} notebook(s) ran${LMI_SMOKE:+ (LMI_SMOKE=$LMI_SMOKE)}"
