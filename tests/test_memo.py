"""A build's kernels share long results through a private folder (analysis.memo)."""

import pandas as pd

from analysis import memo
from analysis.config import MEMO_ENV


def test_a_result_is_computed_once_per_build_and_keyed_by_its_inputs(tmp_path, monkeypatch):
    calls = []

    def fit(frame):
        calls.append(len(frame))
        return frame.assign(y=len(frame))

    a = pd.DataFrame({"x": [1, 2]})
    # Outside a build: computed on every call.
    monkeypatch.delenv(MEMO_ENV, raising=False)
    memo.memoised("fit", [a], {}, lambda: fit(a))
    memo.memoised("fit", [a], {}, lambda: fit(a))
    assert len(calls) == 2
    monkeypatch.setenv(MEMO_ENV, str(tmp_path))
    first = memo.memoised("fit", [a], {"k": 1}, lambda: fit(a))
    again = memo.memoised("fit", [a.copy()], {"k": 1}, lambda: fit(a))
    assert len(calls) == 3 and again.equals(first)
    # Another cell, column, type or option is another result.
    for frame, options in [(pd.DataFrame({"x": [1, 3]}), {"k": 1}),
                           (pd.DataFrame({"z": [1, 2]}), {"k": 1}),
                           (pd.DataFrame({"x": [1.0, 2.0]}), {"k": 1}),
                           (a, {"k": 2})]:  # fmt: skip
        memo.memoised("fit", [frame], options, lambda f=frame: fit(f))
    assert len(calls) == 7
    assert not list(tmp_path.glob(".*"))  # no half-written file is left


def test_a_large_table_is_validated_once_per_build(tmp_path, monkeypatch):
    from analysis import columnar, data

    calls = []

    def validate(path, schema, *, file, lookups):
        calls.append(file)
        return pd.DataFrame({"n": [len(calls)]})

    monkeypatch.setattr(columnar, "read_table", validate)
    try:
        monkeypatch.setenv(MEMO_ENV, str(tmp_path))
        data._load_cached.cache_clear()
        first = data.load("dots_trade")
        data._load_cached.cache_clear()  # a second kernel of the same build
        again = data.load("dots_trade")
        assert len(calls) == 1 and again.equals(first)
        assert len(list(tmp_path.glob("table-dots_trade-*.pickle"))) == 1
        # Outside a build every load validates.
        monkeypatch.delenv(MEMO_ENV)
        data._load_cached.cache_clear()
        data.load("dots_trade")
        assert len(calls) == 2
    finally:
        data._load_cached.cache_clear()  # no test after this one sees the stand-in frame
