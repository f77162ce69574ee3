"""`gongkai export --format parquet` read back by pandas (pyarrow) and DuckDB: the rows of
the CSV export of the same inputs, typed."""

import math

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

import gongkai

from conftest import golden_inputs


@pytest.fixture(scope="module")
def exports(cli, tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    inputs = golden_inputs()
    csv, parquet = folder / "cells.csv", folder / "cells.parquet"
    cli("export", "-o", csv, *inputs)
    cli("export", "--format", "parquet", "-o", parquet, *inputs)
    return csv, parquet


def missing(v):
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def test_the_file_is_typed_as_the_issue_says(exports):
    _, parquet = exports
    schema = pq.read_schema(parquet)
    assert schema.names == gongkai.COLUMNS + ["value_text"]
    types = {name: str(schema.field(name).type) for name in schema.names}
    for name in ("source_sha256", "issuer", "template", "table", "row", "col", "row_label",
                 "status", "unit"):
        assert types[name] == "dictionary<values=string, indices=int32, ordered=0>", name
    assert types["year"] == "int16"
    assert types["value"] == "double"
    assert types["value_text"] == "string" and types["candidates"] == "string"
    assert types["src"] == "string"
    meta = pq.ParquetFile(parquet).metadata
    assert meta.row_group(0).column(0).compression == "SNAPPY"


def test_pandas_reads_the_csv_s_rows(exports):
    csv, parquet = exports
    frame = pd.read_parquet(parquet)
    text = pd.read_csv(csv, dtype=str, keep_default_na=False)
    typed = gongkai.read_csv(csv)
    assert len(frame) == len(text) > 5_000
    for name in gongkai.COLUMNS:
        got = [None if missing(v) else v for v in frame[name].astype(object)]
        if name == "year":
            want = [None if v == "" else int(v) for v in text[name]]
        elif name == "value":
            want = [None if missing(v) else v for v in typed[name].astype(object)]
            assert want == [None if v == "" else float(v) for v in text[name]]
        else:
            want = [None if v == "" else v for v in text[name]]
        assert got == want, name
    assert [None if missing(v) else v for v in frame["value_text"]] == [
        None if v == "" else v for v in text["value"]
    ]


def test_duckdb_reads_the_csv_s_rows(exports):
    csv, parquet = exports
    from_parquet = duckdb.sql(f"SELECT * FROM read_parquet('{parquet}')").fetchall()
    from_csv = duckdb.sql(
        f"SELECT * FROM read_csv('{csv}', header = true, all_varchar = true)"
    ).fetchall()
    assert len(from_parquet) == len(from_csv) > 5_000
    value = gongkai.COLUMNS.index("value")
    year = gongkai.COLUMNS.index("year")
    for p, c in zip(from_parquet, from_csv):
        p, text = list(p[:-1]), p[-1]
        assert text == c[value]
        assert p[value] == (None if c[value] is None else float(c[value]))
        assert p[year] == (None if c[year] is None else int(c[year]))
        p[value], p[year] = c[value], c[year]
        assert tuple(p) == c
    summed = duckdb.sql(
        f"SELECT issuer, sum(value) FROM read_parquet('{parquet}') "
        "WHERE row = 't3.row.new_requests' AND col = 't3.col.total' GROUP BY issuer"
    ).fetchall()
    assert summed


def test_wide_parquet_is_refused(cli, exports):
    csv, _ = exports
    proc = cli("export", "--wide", "--format", "parquet", csv.parent, check=False)
    assert proc.returncode == 2
    assert b"--format parquet writes the tidy table only" in proc.stderr
