#!/usr/bin/env python3
"""Build a tslab notebook (.ipynb) from a plain-text source where cells are separated by lines
`# %% [markdown]` / `# %%` (the "percent" format). Keeps notebooks reviewable as text:
    python3 scripts/make-notebook.py notebooks/text/01-quickstart.txt notebooks/01-quickstart.ipynb
"""
import json
import sys


def cells_from(text: str):
    cells, kind, buf = [], None, []

    def flush():
        if kind is None:
            return
        src = "\n".join(buf).strip("\n")
        if kind == "markdown":
            src = "\n".join(l[2:] if l.startswith("# ") else l.lstrip("#") for l in src.split("\n"))
        lines = src.split("\n")
        source = [l + "\n" for l in lines[:-1]] + [lines[-1]]
        cell = {"cell_type": kind, "id": f"c{len(cells):02d}", "metadata": {}, "source": source}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        cells.append(cell)

    for line in text.split("\n"):
        if line.startswith("# %%"):
            flush()
            kind, buf = ("markdown" if "[markdown]" in line else "code"), []
        else:
            buf.append(line)
    flush()
    return cells


def main(src: str, dst: str) -> None:
    nb = {
        "cells": cells_from(open(src, encoding="utf-8").read()),
        "metadata": {
            "kernelspec": {"display_name": "TypeScript", "language": "typescript", "name": "tslab"},
            "language_info": {"file_extension": ".ts", "mimetype": "text/typescript", "name": "typescript"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
