"""``docs/architecture.md`` lists every module of the ``aesara`` package.

Its "Module index" section has one table row per ``.py`` file under
``aesara/`` (``| `aesara/graph/basic.py` | what it holds |``). These tests walk
the package and fail, naming the module, when one is missing from the index,
when the index lists a module that no longer exists, or when the doc's text
names any ``aesara/...`` source file that is gone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "aesara"
DOC = ROOT / "docs" / "architecture.md"

INDEX_HEADING = "## Module index"
# A row of the index: the module's path in backticks, then its description.
_ROW = re.compile(r"^\|\s*`(aesara/[^`]+\.py)`\s*\|(.*)\|\s*$")
# Any source path the doc mentions in backticks (prose and tables alike).
_MENTION = re.compile(r"`(aesara/[\w./]+\.(?:py|c))`")


def package_modules(package: Path = PACKAGE) -> set[str]:
    """Every ``.py`` file under ``package``, as ``aesara/...`` paths."""
    return {
        p.relative_to(package.parent).as_posix()
        for p in package.rglob("*.py")
        if "__pycache__" not in p.parts
    }


def index_section(text: str) -> str:
    """The text of the "Module index" section (up to the next ``## `` heading)."""
    start = text.find(INDEX_HEADING)
    if start < 0:
        raise AssertionError(f"{DOC.name} has no {INDEX_HEADING!r} section")
    body = text[start + len(INDEX_HEADING) :]
    following = re.search(r"^## ", body, flags=re.MULTILINE)
    return body[: following.start()] if following else body


def index_rows(text: str) -> list[tuple[str, str]]:
    """``(path, description)`` for every module row of the index."""
    rows = []
    for line in index_section(text).splitlines():
        m = _ROW.match(line)
        if m:
            rows.append((m.group(1), m.group(2).strip()))
    return rows


def compare(modules: set[str], text: str) -> dict[str, list[str]]:
    """What is wrong with the doc ``text`` for the package ``modules``."""
    rows = index_rows(text)
    listed = [path for path, _ in rows]
    return {
        "missing": sorted(modules - set(listed)),
        "stale": sorted(set(listed) - modules),
        "duplicated": sorted({p for p in listed if listed.count(p) > 1}),
        "undescribed": sorted(p for p, desc in rows if not desc),
    }


@pytest.fixture(scope="module")
def doc_text() -> str:
    if not DOC.is_file():
        pytest.skip(f"{DOC} is not there (not a source checkout)")
    return DOC.read_text(encoding="utf-8")


def test_every_module_is_in_the_index(doc_text):
    missing = compare(package_modules(), doc_text)["missing"]
    assert not missing, (
        f"modules missing from the module index of {DOC.relative_to(ROOT)} "
        f"(add a row '| `path` | what it holds |' for each): {missing}"
    )


def test_index_lists_no_module_that_is_gone(doc_text):
    stale = compare(package_modules(), doc_text)["stale"]
    assert not stale, (
        f"the module index of {DOC.relative_to(ROOT)} lists modules that no "
        f"longer exist: {stale}"
    )


def test_index_rows_are_unique_and_described(doc_text):
    problems = compare(package_modules(), doc_text)
    assert not problems["duplicated"], f"listed twice: {problems['duplicated']}"
    assert not problems["undescribed"], (
        f"rows without a description: {problems['undescribed']}"
    )


def test_doc_mentions_only_existing_sources(doc_text):
    gone = sorted({p for p in _MENTION.findall(doc_text) if not (ROOT / p).is_file()})
    assert not gone, f"{DOC.relative_to(ROOT)} names files that do not exist: {gone}"


def test_checker_reports_missing_stale_and_duplicate_rows():
    # The checks above would pass vacuously if the parser found nothing.
    doc = "\n".join(
        [
            "# title",
            "| `aesara/a.py` | not an index row: before the section |",
            INDEX_HEADING,
            "| module | what it holds |",
            "|---|---|",
            "| `aesara/b.py` | b things |",
            "| `aesara/gone.py` | removed module |",
            "| `aesara/b.py` | again |",
            "| `aesara/c.py` |  |",
            "## Next section",
            "| `aesara/d.py` | not an index row: after the section |",
        ]
    )
    modules = {"aesara/a.py", "aesara/b.py", "aesara/c.py", "aesara/d.py"}
    assert compare(modules, doc) == {
        "missing": ["aesara/a.py", "aesara/d.py"],
        "stale": ["aesara/gone.py"],
        "duplicated": ["aesara/b.py"],
        "undescribed": ["aesara/c.py"],
    }
    with pytest.raises(AssertionError, match="Module index"):
        index_section("# no index here")


def test_package_walk_finds_the_known_modules():
    modules = package_modules()
    for expected in (
        "aesara/__init__.py",
        "aesara/graph/basic.py",
        "aesara/scan/rewriting/memory.py",
        "aesara/link/c/linker.py",
    ):
        assert expected in modules
    assert not any("__pycache__" in m for m in modules)
