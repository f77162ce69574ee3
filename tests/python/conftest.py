"""What the Python tests share: the project root, the command line to compare against, and
the golden inputs."""

import os
import subprocess
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli_path() -> Path:
    """The `gongkai` binary the CLI side of every comparison runs: $GONGKAI_BIN, or the
    debug build `cargo test` leaves (scripts/test runs it first)."""
    path = Path(os.environ.get("GONGKAI_BIN", ROOT / "target" / "debug" / "gongkai"))
    if not path.is_file():
        pytest.fail(f"no gongkai binary at {path}: run `cargo build` (or set GONGKAI_BIN)")
    return path


@pytest.fixture(scope="session")
def cli():
    binary = cli_path()

    def run(*args, check=True, stdin=b""):
        proc = subprocess.run([str(binary), *map(str, args)], capture_output=True, input=stdin)
        if check and proc.returncode != 0:
            raise AssertionError(
                f"gongkai {' '.join(map(str, args))} exited {proc.returncode}: "
                + proc.stderr.decode(errors="replace")
            )
        return proc

    return run


def golden_inputs():
    """Every golden case's input, by case name."""
    cases = sorted(p for p in (ROOT / "golden").iterdir() if p.is_dir())
    found = []
    for case in cases:
        inputs = sorted(case.glob("input.*"))
        if inputs:
            found.append(inputs[0])
    assert len(found) >= 30, "the golden cases are missing"
    return found


def corpus_inputs():
    """The shared corpus's reports, when ../shared is beside the project. Without it the
    test using them fails under CI=true (CI runs them on the corpus), and elsewhere runs
    without them, saying so in pytest's summary of warnings."""
    corpus = ROOT.parent / "shared" / "corpus"
    if not corpus.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{corpus} not found: CI=true needs ../shared beside the project")
        warnings.warn(f"{corpus} not found: running without the corpus's reports", stacklevel=2)
        return []
    return sorted(p for p in corpus.iterdir() if p.name[:1].isdigit())
