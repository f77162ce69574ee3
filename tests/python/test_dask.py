"""examples/dask_convert.py on a LocalCluster of 2 worker processes writes what
`gongkai convert` writes, byte for byte, error list included."""

import subprocess
import sys

from conftest import ROOT, corpus_inputs, golden_inputs


def make_crawl(root):
    """The golden inputs and the corpus in nested folders, and three unusable files."""
    sources = golden_inputs() + corpus_inputs()
    for i, path in enumerate(sources):
        folder = root / f"site-{i % 3}" / str(2019 + i % 4)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:03d}-{path.parent.name if path.name.startswith('input') else path.stem}{path.suffix}").write_bytes(
            path.read_bytes()
        )
    (root / "site-0" / "empty.txt").write_bytes(b"")
    (root / "site-1" / "random.html").write_bytes(bytes(range(256)) * 16)
    pdf = (ROOT / "golden" / "synthetic-2024-pdf-stream" / "input.pdf").read_bytes()
    # A quarter holds no page with text: beyond repair (a third holds part of t2, read).
    (root / "site-2" / "truncated.pdf").write_bytes(pdf[: len(pdf) // 4])
    return len(sources)


def tree(root):
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_a_local_cluster_writes_what_convert_writes(cli, tmp_path):
    crawl = tmp_path / "crawl"
    n = make_crawl(crawl)
    by_cli = cli("convert", crawl, "-o", tmp_path / "cli", "-q", check=False)
    assert by_cli.returncode == 1, by_cli.stderr
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "dask_convert.py"), str(crawl), "-o",
         str(tmp_path / "dask"), "--workers", "2", "--batch", "5"],
        capture_output=True,
    )
    assert run.returncode == 1, run.stderr.decode()
    expected = tree(tmp_path / "cli")
    assert len(expected) == n + 1, "every report's XML and the error list"
    assert tree(tmp_path / "dask") == expected
    assert run.stdout.decode() == by_cli.stdout.decode().replace(
        str(tmp_path / "cli"), str(tmp_path / "dask")
    )
    # Run again: everything is up to date.
    again = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "dask_convert.py"), str(crawl), "-o",
         str(tmp_path / "dask"), "--workers", "2"],
        capture_output=True,
    )
    assert again.stdout.decode().startswith(f"0 converted, {n} skipped, 3 failed"), again
    assert tree(tmp_path / "dask") == expected
