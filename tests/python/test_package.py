"""The Python package against the command line: the same XML and cells for every golden
case, the same messages when an input is refused, the same verification of an archive."""

import doctest
import hashlib
import json
import os
import threading
import time
import warnings

import pandas as pd
import pytest

import gongkai

from conftest import ROOT, golden_inputs

GOLDEN = golden_inputs()


@pytest.mark.parametrize("path", GOLDEN, ids=[p.parent.name for p in GOLDEN])
def test_a_golden_case_gives_the_cli_s_xml_and_cells(cli, tmp_path, path):
    report = gongkai.extract(path)
    assert report.xml.encode() == (path.parent / "expected.xml").read_bytes()
    assert report.xml.encode() == cli("extract", path).stdout
    # `.cells` are the rows of `export --format json` (a text holding no report has none,
    # and export leaves it out).
    exported = json.loads(cli("export", "--format", "json", path).stdout)
    assert report.cells == exported
    # `.to_pandas()` is the CLI's CSV read by pandas.
    csv = tmp_path / "cells.csv"
    cli("export", "-o", csv, path)
    frame = report.to_pandas()
    pd.testing.assert_frame_equal(frame, gongkai.read_csv(csv))
    assert list(frame.columns) == gongkai.COLUMNS
    assert str(frame["value"].dtype) == "float64" and str(frame["year"].dtype) == "Int64"
    # Bytes are read as `extract -` reads standard input; with the file's name, as the file.
    from_bytes = gongkai.extract(path.read_bytes())
    assert from_bytes.xml.encode() == cli("extract", "-", stdin=path.read_bytes()).stdout
    assert gongkai.extract(path.read_bytes(), name=path.name).xml == report.xml


def test_meta_checks_and_diagnostics_are_the_xml_s(cli):
    path = ROOT / "golden" / "chibi-2020-excerpt" / "input.txt"
    report = gongkai.extract(path)
    assert report.meta == {
        "title": "蒲纺工业园区2020年政府信息公开工作年度报告",
        "issuer": "蒲纺工业园区",
        "year": 2020,
        "published": None,
        "template": "v2019",
        "source": {
            "name": "input.txt",
            "media_type": "text/plain",
            "bytes": path.stat().st_size,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        },
    }
    xml = report.xml
    assert len(report.checks) == xml.count("<check ")
    assert {c["result"] for c in report.checks} <= {"pass", "fail", "skip"}
    assert len(report.diagnostics) == xml.count("<diagnostic ")
    for c in report.checks:
        assert f'subject="{c["subject"]}"' in xml
    for d in report.diagnostics:
        assert f'code="{d["code"]}"' in xml and f'where="{d["location"]}"' in xml
    again = gongkai.read_xml(path.parent / "expected.xml")
    assert again.xml == xml and again.cells == report.cells
    assert "v2019" in repr(report)


def test_cells_over_files_and_folders_are_the_cli_s_export(cli, tmp_path):
    inputs = [ROOT / "golden" / "chibi-2020-excerpt", *GOLDEN[:12]]
    csv = tmp_path / "cells.csv"
    cli("export", "-o", csv, *inputs)
    expected = gongkai.read_csv(csv)
    for jobs in (1, 2):
        frame = gongkai.cells(inputs, jobs=jobs)
        pd.testing.assert_frame_equal(frame, expected)
        assert frame.attrs["failures"] == []
    # A folder given as one path.
    assert len(gongkai.cells(ROOT / "golden" / "chibi-2020-excerpt")) == len(
        gongkai.extract(ROOT / "golden" / "chibi-2020-excerpt" / "input.txt").cells
    )


def _cli_message(cli, *args):
    """What the CLI says on standard error for a refused input, less its `gongkai: `."""
    proc = cli(*args, check=False)
    assert proc.returncode == 2, proc
    line = proc.stderr.decode().strip()
    assert line.startswith("gongkai: "), line
    return line[len("gongkai: "):]


def test_refused_inputs_raise_the_cli_s_messages(cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01" + bytes(range(256)) * 4)
    missing = tmp_path / "no-such-file.txt"
    for path in (empty, binary, missing, tmp_path):
        with pytest.raises(gongkai.InputError) as raised:
            gongkai.extract(path)
        assert str(raised.value) == _cli_message(cli, "extract", path)
        assert isinstance(raised.value, gongkai.GongkaiError)
    with pytest.raises(gongkai.InputError, match=r"^<stdin>: empty input$"):
        gongkai.extract(b"")
    with pytest.raises(gongkai.InputError, match=r"^<x\.txt>: empty input$"):
        gongkai.extract(bytearray(), name="x.txt")
    with pytest.raises(TypeError):
        gongkai.extract(12)
    not_xml = ROOT / "golden" / "chibi-2020-excerpt" / "input.txt"
    with pytest.raises(gongkai.InputError, match=r"input\.txt: "):
        gongkai.read_xml(not_xml)
    with pytest.raises(gongkai.InputError) as raised:
        gongkai.verify(not_xml)
    assert str(raised.value) == _cli_message(cli, "verify", not_xml)


def test_cells_warn_about_bad_inputs_and_raise_when_none_is_read(cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = ROOT / "golden" / "chibi-2020-excerpt" / "input.txt"
    with pytest.warns(gongkai.GongkaiWarning, match="1 input"):
        frame = gongkai.cells([good, empty])
    assert frame.attrs["failures"] == [{"path": str(empty), "reason": "empty input"}]
    assert len(frame) == len(gongkai.extract(good).cells)
    with pytest.raises(gongkai.InputError) as raised:
        gongkai.cells([empty])
    assert str(raised.value) == _cli_message(cli, "export", empty)
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        gongkai.cells([good], jobs=0)


def test_verify_gives_the_cli_s_json_for_a_sealed_and_a_damaged_archive(cli, tmp_path):
    folder = tmp_path / "2020"
    folder.mkdir()
    for path in GOLDEN[:6]:
        (folder / f"{path.parent.name}{path.suffix}").write_bytes(path.read_bytes())
    archive = tmp_path / "2020.zip"
    cli("seal", "--year", 2020, folder, "-o", archive)
    result = gongkai.verify(archive)
    assert result["status"] == "intact"
    assert result == json.loads(cli("verify", "--json", archive).stdout)
    # One payload byte changed (a stored entry, found by its name) and the archive is
    # damaged, as the CLI says.
    data = bytearray(archive.read_bytes())
    name = f"{GOLDEN[0].parent.name}{GOLDEN[0].suffix}".encode()
    at = data.index(name) + len(name) + 8
    data[at] ^= 0x01
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    result = gongkai.verify(damaged)
    assert result["status"] == "damaged" and result["problems"]
    assert result == json.loads(cli("verify", "--json", damaged, check=False).stdout)


def test_the_gil_is_released_while_reports_are_read():
    ticks = 0
    stop = threading.Event()

    def count():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    thread = threading.Thread(target=count)
    thread.start()
    try:
        time.sleep(0.05)
        before = ticks
        start = time.perf_counter()
        gongkai.cells(GOLDEN, jobs=1)
        took = time.perf_counter() - start
        during = ticks - before
    finally:
        stop.set()
        thread.join()
    # Holding the GIL for the whole call would leave the counter where it was (one switch
    # interval at most); released, it runs all along.
    assert took > 0.05
    assert during > 10_000, (during, took)


def test_the_docstrings_examples_run():
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        failed, attempted = doctest.testmod(gongkai, verbose=False)
    finally:
        os.chdir(cwd)
    assert attempted >= 3 and failed == 0


def test_convert_writes_what_the_cli_writes(cli, tmp_path):
    crawl = tmp_path / "crawl"
    (crawl / "a").mkdir(parents=True)
    for i, path in enumerate(GOLDEN[:8]):
        (crawl / ("a" if i % 2 else "") / f"{i}{path.suffix}").write_bytes(path.read_bytes())
    (crawl / "empty.txt").write_bytes(b"")
    cli("convert", crawl, "-o", tmp_path / "by-cli", "-q", check=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        counts = gongkai.convert(crawl, tmp_path / "by-python", jobs=2)
    assert counts == {
        "converted": 8,
        "skipped": 0,
        "already_xml": 0,
        "failed": 1,
        "errors": str(tmp_path / "by-python" / "_errors.jsonl"),
    }
    assert _tree(tmp_path / "by-cli") == _tree(tmp_path / "by-python")
    assert gongkai.convert(crawl, tmp_path / "by-python")["skipped"] == 8
    with pytest.raises(gongkai.InputError, match="is not a shard"):
        gongkai.convert(crawl, tmp_path / "x", shard="3/2")


def _tree(root):
    """Every file below root by relative path, with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }
