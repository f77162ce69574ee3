"""gongkai: China's government information-disclosure annual reports (政府信息公开工作年度报告)
as typed tables, from Python.

The Rust library does all the work (the same code as the ``gongkai`` command line); this
package hands its results over as dicts and pandas DataFrames. The GIL is released while
reports are read, so threads calling it run in parallel.

>>> import gongkai
>>> report = gongkai.extract("golden/chibi-2020-excerpt/input.txt")
>>> report.meta["year"], report.meta["template"]
(2020, 'v2019')
>>> report.cells[0]["row"], report.cells[0]["value"]
('t2.row.regulations', '0')
>>> df = gongkai.cells(["golden/"])          # the tidy table `gongkai export` writes
>>> df.groupby("issuer")["value"].count()     # doctest: +SKIP

Errors raise :class:`InputError` (an input gongkai cannot use) or :class:`GongkaiError`,
carrying the command line's messages.
"""

from __future__ import annotations

import io
import json
import os
import warnings
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Union

from gongkai._gongkai import (
    COLUMNS,
    GongkaiError,
    InputError,
    Report,
    convert_files,
    extract,
    plan,
    read_xml,
    write_errors,
)
from gongkai import _gongkai

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = [
    "COLUMNS",
    "CSV_DTYPES",
    "GongkaiError",
    "GongkaiWarning",
    "InputError",
    "Report",
    "cells",
    "convert",
    "convert_files",
    "extract",
    "plan",
    "read_csv",
    "read_xml",
    "verify",
    "write_errors",
]

PathLike = Union[str, "os.PathLike[str]"]

#: The dtypes of the tidy table's columns in pandas: text as pandas' text dtype, the year
#: a nullable integer, the value a float64 (its exact text is in ``Report.cells`` and in
#: the Parquet export's ``value_text``).
CSV_DTYPES: Dict[str, str] = {
    **{c: "str" for c in COLUMNS},
    "year": "Int64",
    "value": "float64",
}


class GongkaiWarning(UserWarning):
    """Some inputs gave no report; the rest were read (where ``gongkai export`` exits 1)."""


def _pandas():
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - the tests have pandas
        raise ImportError("this needs pandas: pip install pandas") from e
    return pandas


def read_csv(path_or_bytes: Union[PathLike, bytes]) -> "pandas.DataFrame":
    """Reads a tidy CSV written by ``gongkai export`` into a DataFrame with
    :data:`CSV_DTYPES`: an empty field is missing, any other text is kept as written
    (``NA`` or ``None`` in a title stay text), and each value is read exactly as its
    decimal rounds to a float64.

    ``Report.to_pandas()`` and :func:`cells` give the same frame as this function reading
    the command line's CSV of the same inputs.

    >>> df = gongkai.read_csv("cells.csv")   # doctest: +SKIP
    >>> df.dtypes["value"]                    # doctest: +SKIP
    dtype('float64')
    """
    pd = _pandas()
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    options: Dict[str, Any] = {}
    if int(pd.__version__.split(".")[0]) < 3:
        # Before pandas 3 the fast parser could be one unit in the last place off.
        options["float_precision"] = "round_trip"
    return pd.read_csv(
        source,
        dtype=CSV_DTYPES,
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8-sig",
        **options,
    )


def _path_list(paths: Union[PathLike, Iterable[PathLike]]) -> List[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def cells(
    paths: Union[PathLike, Iterable[PathLike]], jobs: Optional[int] = None
) -> "pandas.DataFrame":
    """The tidy table of every report under ``paths`` (files or folders of originals,
    canonical XML or sealed archives), one row per standard-table cell: what
    ``gongkai export`` writes, as :func:`read_csv` reads it.

    Originals are read on ``jobs`` threads (default: every core), without the GIL.
    Inputs that give no report are named in one :class:`GongkaiWarning` and listed in
    ``df.attrs["failures"]`` (dicts of ``path`` and ``reason``); when none of the inputs
    could be read, :class:`InputError` is raised.

    >>> df = gongkai.cells(["crawl/2023", "crawl/2024"], jobs=4)   # doctest: +SKIP
    >>> df[df.status == "ambiguous"][["source_name", "row", "col", "candidates"]]  # doctest: +SKIP
    """
    csv, failures, read = _gongkai._cells(_path_list(paths), jobs)
    lines = [f"{path}: {reason}" for path, reason in failures]
    if failures and read == 0:
        raise InputError("\n".join(lines))
    df = read_csv(csv)
    df.attrs["failures"] = [{"path": p, "reason": r} for p, r in failures]
    if failures:
        shown = "\n".join(lines[:20])
        more = f"\n({len(lines) - 20} more in df.attrs['failures'])" if len(lines) > 20 else ""
        warnings.warn(
            f"{len(lines)} input(s) gave no report:\n{shown}{more}", GongkaiWarning, stacklevel=2
        )
    return df


def verify(archive: PathLike, prev: Optional[PathLike] = None) -> Dict[str, Any]:
    """Verifies a sealed archive (``gongkai verify --json``): the result as a dict, whose
    ``status`` is ``"intact"`` or ``"damaged"`` with its ``problems``. An archive that
    cannot be read at all raises :class:`InputError`.

    >>> v = gongkai.verify("2024.zip")        # doctest: +SKIP
    >>> v["status"], v["merkle_root"]          # doctest: +SKIP
    ('intact', '9f2c…')
    """
    return json.loads(
        _gongkai._verify(os.fspath(archive), None if prev is None else os.fspath(prev))
    )


def convert(
    inputs: Union[PathLike, Iterable[PathLike]],
    output: PathLike,
    *,
    jobs: Optional[int] = None,
    force: bool = False,
    shard: Optional[str] = None,
) -> Dict[str, Any]:
    """``gongkai convert``: every file under ``inputs`` to canonical XML under ``output``
    (mirroring the folders), skipping files whose XML is up to date unless ``force``,
    failures listed in ``output/_errors.jsonl`` (``_errors.K-of-N.jsonl`` for a
    ``shard="K/N"``). Goes on after any failure. Returns the counts of each outcome and
    the error list's path.

    It is :func:`plan`, :func:`convert_files` and :func:`write_errors` in a row: a
    distributed engine runs the middle step on its workers (examples/dask_convert.py).

    >>> gongkai.convert("crawl", "xml", jobs=2)    # doctest: +SKIP
    {'converted': 1234, 'skipped': 0, 'already_xml': 0, 'failed': 3, 'errors': 'xml/_errors.jsonl'}
    """
    out = os.fspath(output)
    planned = plan(_path_list(inputs), out, shard)
    outcomes = convert_files(planned, out, force, jobs)
    errors = [o["error"] for o in outcomes if o["error"] is not None]
    errors_path = write_errors(out, errors, shard)
    counts: Dict[str, Any] = {
        k: sum(o["outcome"] == k for o in outcomes)
        for k in ("converted", "skipped", "already_xml", "failed")
    }
    counts["errors"] = errors_path if errors else None
    return counts
