"""The shared helpers' own rules: a test that needs ../shared never passes without it under
CI=true."""

import pytest

import conftest


def test_corpus_missing_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "ROOT", tmp_path / "project")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true needs ../shared"):
        conftest.corpus_inputs()


def test_corpus_missing_is_said_elsewhere(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "ROOT", tmp_path / "project")
    monkeypatch.delenv("CI", raising=False)
    with pytest.warns(UserWarning, match="running without the corpus"):
        assert conftest.corpus_inputs() == []

