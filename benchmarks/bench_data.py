"""Time loading the embedded DOTS panel (validation included) against its target and floor.

Run ``python -m benchmarks.bench_data`` (part of ``make bench``). Each measurement is the
best of ``--repeat`` runs in a fresh Python process, so that no cache is warm:

* ``analysis.data.load("dots_trade")``: read the Parquet file and validate every column
  against its Table Schema (types, required values, enums, patterns, ranges, the primary
  key and the foreign keys);
* the floor: ``pyarrow.parquet.read_table(...).to_pandas()`` alone, no checks.

The target (issue "Both sides of the ledger") is under 2 s for the whole panel. Figures
are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 2.0
_LOAD = """
import time
t = time.perf_counter()
from analysis import data
frame = data.load("dots_trade")
print(time.perf_counter() - t, len(frame))
"""
_FLOOR = """
import time
t = time.perf_counter()
import pyarrow.parquet as pq
frame = pq.read_table("data/dots_trade.parquet").to_pandas()
print(time.perf_counter() - t, len(frame))
"""


def _best(code: str, repeat: int) -> tuple[float, int]:
    """Return the best wall time of ``repeat`` fresh processes and the row count."""
    times, rows = [], 0
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        seconds, rows = out.stdout.split()
        times.append(float(seconds))
    return min(times), int(rows)


def main(argv: list[str] | None = None) -> None:
    """Print the load time of the DOTS panel beside the floor and the target.

    Parameters
    ----------
    argv
        Command-line arguments (``--repeat N``).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    path = ROOT / "data" / "dots_trade.parquet"
    load, rows = _best(_LOAD, args.repeat)
    floor, _ = _best(_FLOOR, args.repeat)
    print(f"dots_trade: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB on disk; "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"  data.load (read + validate, imports included): {load:.2f} s "
          f"(target < {TARGET_S:.0f} s: {'met' if load < TARGET_S else 'NOT met'})")  # fmt: skip
    print(f"  floor, pyarrow read only:                       {floor:.2f} s "
          f"(load / floor = {load / floor:.1f}×)")  # fmt: skip


if __name__ == "__main__":
    main()
