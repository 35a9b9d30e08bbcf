#!/usr/bin/env python3
"""Execute one notebook headlessly with the tslab kernel and save the executed copy (also on failure).

    /usr/bin/python3 scripts/execute-notebook.py SRC.ipynb OUT.ipynb [--timeout 1800] [--kernel tslab]

This is what `jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=tslab` does (same
nbclient underneath), plus what nbconvert does not: on a failing cell it still writes the partly executed copy and
prints the cell and its stderr. (tslab reports errors only on stderr with an empty error name, so nbconvert's
message is an unhelpful "<Error>: ".) The kernel's cwd is the notebook's folder, as in nbconvert and JupyterLab.
Exit status: 0 ok, 1 a cell failed, 2 usage / kernel start problems.
"""
import argparse
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    ap.add_argument("--kernel", default="tslab")
    a = ap.parse_args()
    if os.path.abspath(a.src) == os.path.abspath(a.out):
        print(f"execute-notebook: refusing to overwrite the source {a.src}", file=sys.stderr)
        return 2
    nb = nbformat.read(a.src, as_version=4)
    client = NotebookClient(
        nb, timeout=a.timeout, startup_timeout=120, kernel_name=a.kernel,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(a.src))}},
    )
    t0 = time.time()
    status = 0
    try:
        client.execute()
    except CellExecutionError:
        status = 1
        # The failing cell is the last one that got an execution count (later cells never ran).
        ran = [c for c in nb.cells if c.get("cell_type") == "code" and c.get("execution_count") is not None]
        failed = ran[-1] if ran else None
        print(f"execute-notebook: {a.src}: a cell failed", file=sys.stderr)
        if failed is not None:
            print("---- cell ----\n" + failed.source + "\n---- output ----", file=sys.stderr)
            for o in failed.get("outputs", []):
                if o.get("output_type") == "stream":
                    print(o.get("text", ""), end="", file=sys.stderr)
                elif o.get("output_type") == "error":
                    print("\n".join(o.get("traceback", [])) or f"{o.get('ename')}: {o.get('evalue')}", file=sys.stderr)
    except Exception as e:  # kernel died, did not start, timeout
        status = 2
        print(f"execute-notebook: {a.src}: {type(e).__name__}: {e}", file=sys.stderr)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    nbformat.write(nb, a.out)
    print(f"execute-notebook: {a.src} -> {a.out} in {time.time() - t0:.1f} s ({'ok' if status == 0 else 'FAILED'})",
          file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
