"""Keep the result of a long, pure computation for the rest of a build, keyed by its inputs.

Two notebooks of one report may fit the same model to the same panel: the build gives
its kernels a private folder (:data:`analysis.config.MEMO_ENV`) where the first keeps the
result for the others. Outside a build the computation simply runs. Results are the same
bytes either way, since the computations kept are deterministic (seeded draws).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pandas as pd

from analysis.config import MEMO_ENV

T = TypeVar("T")


def digest(frames: Sequence[pd.DataFrame], options: dict[str, object]) -> str:
    """Return the SHA-256 of tables (columns, types, cells, index) and of options.

    Parameters
    ----------
    frames
        The computation's tables.
    options
        Its other arguments (JSON-serialisable).

    Returns
    -------
    str
        A hex digest: equal for equal inputs, different when a cell, a column or an
        option differs.
    """
    h = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode())
    for frame in frames:
        h.update(json.dumps([list(map(str, frame.columns)), list(map(str, frame.dtypes))]).encode())
        h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return h.hexdigest()


def memoised(
    name: str,
    frames: Sequence[pd.DataFrame],
    options: dict[str, object],
    compute: Callable[[], T],
) -> T:
    """Return ``compute()``, kept in the build's memo folder for later calls with these inputs.

    Parameters
    ----------
    name
        The computation's name (a prefix of the memo file).
    frames, options
        Its inputs (see :func:`digest`).
    compute
        The computation; it must depend on these inputs only.

    Returns
    -------
    object
        The result, computed now or read back from an earlier call in the same build.
    """
    return kept(name, digest(frames, options), compute)


def kept(name: str, key: str, compute: Callable[[], T]) -> T:
    """Return ``compute()``, kept in the build's memo folder under a key of its inputs.

    Parameters
    ----------
    name
        The computation's name (a prefix of the memo file).
    key
        A digest of everything the result depends on (the caller's to derive).
    compute
        The computation.

    Returns
    -------
    object
        The result, computed now or read back from an earlier call in the same build.
    """
    folder = os.environ.get(MEMO_ENV)
    if not folder:
        return compute()
    path = Path(folder) / f"{name}-{key}.pickle"
    if path.is_file():
        # The folder is private to the build (mkdtemp), so only the build wrote this file.
        return pickle.loads(path.read_bytes())
    result = compute()
    # Kernels run side by side: each writes its own file and the rename is atomic.
    part = path.with_name(f".{path.name}.{os.getpid()}")
    part.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(part, path)
    return result
