"""Generate the table of Aesara 2.9's modules and public names.

Run it with the reference interpreter that has real Aesara 2.9.4 installed,
from outside this repository (so that ``import aesara`` finds the reference,
not this project)::

    cd /tmp && AESARA_FLAGS=base_compiledir=/tmp/aes29cache \\
        /tmp/ref-aesara/bin/python /work/main/scripts/gen_api_table.py \\
        --tests-docs /work/.mirror/aesara-devs+aesara/repo \\
        --out /work/main/tests/api_audit/aesara29_api.json

``--tests-docs`` is a checkout (or ``git`` mirror) of Aesara's repository;
its ``tests/`` and ``doc/`` trees are scanned for imports. With a bare git
mirror, the files are read with ``git show HEAD:<path>``.

The rule
--------
*Modules*: every ``.py`` file of the installed ``aesara`` package is a
module (``__init__.py`` names its package).

*Names*, per module ``M``:

1. ``M.__all__`` when ``M`` defines one; otherwise (and, for a package's
   ``__init__``, in addition: ``aesara.tensor.__all__`` is ``["random"]``,
   while users reach hundreds of names as ``aesara.tensor.<name>``)
2. the names ``M``'s own source binds at top level (``def``, ``class`` and
   assignments, also inside top-level ``if``/``try`` blocks, but not in an
   ``if __name__ == "__main__"`` block), except those bound to modules,
   ``TypeVar``s, loggers or argument parsers; and the names
   ``M`` re-exports: every name a ``from ... import *`` brings in (the
   source module's names by this same rule), and, in a package's
   ``__init__`` or a pure deprecated alias (a module that warns on import
   and defines no class or function), every name it imports with
   ``from ... import``.
   Re-exports that are foreign objects (modules; functions and classes
   defined outside ``aesara``; objects of non-``aesara``, non-builtin types,
   such as loggers or ``typing`` forms) are dropped: they are incidental.
3. In both cases, plus every name that Aesara's own ``tests/`` and ``doc/``
   import from ``M`` (``from M import a, b``), private names included: code
   written against Aesara does that too.

Names starting with ``_`` count only through rule 1 or 3; names that do not
exist in the reference module at run time are dropped (when the module
imports there). ``TYPE_CHECKING`` and the tables of Aesara's deprecation
``__getattr__`` (``DEPRECATED_NAMES``, ``MATH_DEPRECATED_NAMES``,
``BASIC_DEPRECATIONS``) are plumbing, not names; the deprecated names they
serve are listed apart, under ``deprecated_names``. A module whose top level calls
``warnings.warn(..., DeprecationWarning)`` is a deprecated alias
(``deprecated_module``).

Modules that do not import in the reference environment (their optional
dependency, JAX or Numba, is not installed there) fall back to the
source-only part of the rule; ``imports_in_reference`` records it.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import types
import typing
import warnings
from pathlib import Path

_FROM_IMPORT = re.compile(
    r"^\s*(?:>>>\s*|\.\.\.\s*)?from\s+(aesara(?:\.\w+)*)\s+import\s+"
    r"(\([^)]*\)|[^\n#]*(?:\\\n[^\n#]*)*)",
    re.MULTILINE,
)


def _module_files(pkg_dir: Path) -> dict[str, Path]:
    out = {}
    for path in sorted(pkg_dir.rglob("*.py")):
        rel = path.relative_to(pkg_dir.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _top_level_statements(body):
    for stmt in body:
        if isinstance(stmt, ast.If) and "__main__" in ast.unparse(stmt.test):
            continue  # a script's main block binds no module API
        if isinstance(stmt, ast.If | ast.Try):
            yield from _top_level_statements(stmt.body)
            yield from _top_level_statements(stmt.orelse)
            for handler in getattr(stmt, "handlers", ()):
                yield from _top_level_statements(handler.body)
            yield from _top_level_statements(getattr(stmt, "finalbody", ()))
        else:
            yield stmt


def _target_names(target):
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for elt in target.elts:
            yield from _target_names(elt)


class _SourceFacts:
    """What a module's source says, read without importing it."""

    def __init__(self, source: str, is_package: bool):
        tree = ast.parse(source)
        self.defined: set[str] = set()
        self.from_imports: set[str] = set()
        self.star_sources: list[str] = []
        self.all: list[str] | None = None
        self.deprecated_module = False
        for stmt in _top_level_statements(tree.body):
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self.defined.add(stmt.name)
            elif isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = (
                    stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                )
                for target in targets:
                    for name in _target_names(target):
                        if name == "__all__" and isinstance(stmt, ast.Assign):
                            try:
                                self.all = list(ast.literal_eval(stmt.value))
                            except ValueError:
                                self.all = None  # computed: read at run time
                        self.defined.add(name)
            elif isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if alias.name == "*":
                        self.star_sources.append(stmt.module or "")
                    else:
                        self.from_imports.add(alias.asname or alias.name)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                text = ast.unparse(stmt.value)
                if text.startswith(("warnings.warn(", "warn(")) and (
                    "DeprecationWarning" in text
                ):
                    self.deprecated_module = True


def _is_foreign(obj, own: bool = False) -> bool:
    """Whether a module-level object is incidental (not Aesara's API).

    ``own`` is for names the module binds itself: only modules, type
    variables and objects of logging/argparse types are dropped then.
    """
    if isinstance(obj, types.ModuleType | typing.TypeVar):
        return True
    type_mod = type(obj).__module__ or ""
    if own:
        return type_mod in ("logging", "argparse")
    if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return not (getattr(obj, "__module__", "") or "").startswith("aesara")
    return not (type_mod.startswith("aesara") or type_mod == "builtins")


def _read_text_files(root: Path):
    """Yield the text of Aesara's ``tests/`` and ``doc/`` files."""
    suffixes = (".py", ".rst", ".txt")
    if (root / "tests").is_dir():
        for sub in ("tests", "doc"):
            for path in sorted((root / sub).rglob("*")):
                if path.suffix in suffixes and path.is_file():
                    yield path.read_text(errors="replace")
        return
    # A bare git mirror: read the files of HEAD.
    git = ["git", "-C", str(root)]
    listing = subprocess.run(
        [*git, "ls-tree", "-r", "--name-only", "HEAD", "tests", "doc"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for path in listing:
        if path.endswith(suffixes):
            yield subprocess.run(
                [*git, "show", f"HEAD:{path}"], check=True, capture_output=True
            ).stdout.decode(errors="replace")


def _imported_names(texts) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for text in texts:
        for match in _FROM_IMPORT.finditer(text):
            module, names = match.group(1), match.group(2)
            names = re.sub(r"#[^\n]*", "", names)
            names = names.replace("\\\n", " ").strip("() \n")
            for item in names.split(","):
                item = item.split(" as ")[0].strip().lstrip(">. ").strip()
                if re.fullmatch(r"[A-Za-z_]\w*", item):
                    found.setdefault(module, set()).add(item)
    return found


def _is_plumbing(name: str) -> bool:
    """Names that only serve the module's own machinery, never an API."""
    return name in ("__all__", "TYPE_CHECKING") or name.endswith(
        ("DEPRECATED_NAMES", "DEPRECATIONS")
    )


def _deprecated_names(module) -> list[str]:
    table = getattr(module, "DEPRECATED_NAMES", None)
    if isinstance(table, dict):
        return sorted(table)
    if isinstance(table, list | tuple):
        return sorted({entry[0] for entry in table})
    return []


def _import_quietly(name: str):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return importlib.import_module(name)
    except Exception:  # optional dependency missing in the reference env
        return None


class _RuleNames:
    """Rules 1 and 2 of the module docstring, memoized per module."""

    def __init__(self, files: dict[str, Path]):
        self.files = files
        self.facts: dict[str, _SourceFacts] = {}
        self.memo: dict[str, tuple[set[str], bool]] = {}

    def source_facts(self, name: str) -> _SourceFacts:
        if name not in self.facts:
            path = self.files[name]
            self.facts[name] = _SourceFacts(
                path.read_text(encoding="utf-8-sig"), path.name == "__init__.py"
            )
        return self.facts[name]

    def __call__(self, name: str) -> tuple[set[str], bool]:
        """Return (names, whether they come from ``__all__``) for ``name``."""
        if name in self.memo:
            return self.memo[name]
        self.memo[name] = (set(), False)  # guards against import cycles
        facts = self.source_facts(name)
        module = _import_quietly(name)
        is_package = self.files[name].name == "__init__.py"
        module_all = getattr(module, "__all__", None) if module else facts.all
        names: set[str] = set(module_all or ())
        # Packages and deprecated aliases exist to re-export: their explicit
        # ``from ... import`` names count too.
        pure_alias = facts.deprecated_module and not any(
            isinstance(v, type) or inspect.isfunction(v)
            for k, v in (vars(module) if module else {}).items()
            if k in facts.defined and not k.startswith("__")
        )
        reexports_all = is_package or pure_alias
        if module_all is None or reexports_all:
            for n in facts.defined:
                if n.startswith("_"):
                    continue
                if module is None or (
                    n in vars(module) and not _is_foreign(vars(module)[n], own=True)
                ):
                    names.add(n)
            if module is not None:
                reexported = set(facts.from_imports) if reexports_all else set()
                for source in facts.star_sources:
                    if source in self.files:
                        reexported |= self(source)[0]
                for n in reexported:
                    if n.startswith("_") or n not in vars(module):
                        continue
                    if not _is_foreign(vars(module)[n]):
                        names.add(n)
        self.memo[name] = (names, module_all is not None)
        return self.memo[name]


def build_table(tests_docs: Path) -> dict:
    import aesara

    if not aesara.__version__.startswith("2.9"):
        raise SystemExit(
            f"expected Aesara 2.9 (the reference install), got {aesara.__version__} "
            f"from {aesara.__file__}; run from outside the repository"
        )
    files = _module_files(Path(aesara.__file__).parent)
    doc_test_imports = _imported_names(_read_text_files(tests_docs))
    rule = _RuleNames(files)

    modules = {}
    for name in files:
        module = _import_quietly(name)
        names, has_all = rule(name)
        names = names | doc_test_imports.get(name, set())
        names = {n for n in names if not _is_plumbing(n)}
        deprecated = _deprecated_names(module) if module else []
        if module is not None:
            names = {n for n in names if n in vars(module)}
        names -= set(deprecated)
        modules[name] = {
            "has_all": has_all,
            "deprecated_module": rule.source_facts(name).deprecated_module,
            "imports_in_reference": module is not None,
            "names": sorted(names),
            "deprecated_names": deprecated,
        }
    return {
        "source": f"Aesara {aesara.__version__} (installed reference); imports "
        "read from Aesara's tests/ and doc/",
        "generator": "scripts/gen_api_table.py",
        "modules": modules,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests-docs", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if os.getcwd() in (str(Path(__file__).resolve().parents[1]),):
        raise SystemExit("run from outside the repository (see the docstring)")
    table = build_table(args.tests_docs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    total = sum(len(m["names"]) for m in table["modules"].values())
    print(f"{len(table['modules'])} modules, {total} names -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
