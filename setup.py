"""Build hook: compile the C runtimes into the package at install time.

Everything else is declared in ``pyproject.toml``. The runtimes are optional:
without a working compiler (or NumPy headers) the install still succeeds and
aesara compiles them through its compile cache on first use, or falls back
to the Python VM where no compiler works at all.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
C_DIR = HERE / "aesara" / "link" / "c"


def _prebuilt_helpers():
    spec = importlib.util.spec_from_file_location(
        "_aesara_prebuilt", C_DIR / "prebuilt.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _extensions() -> list[Extension]:
    helpers = _prebuilt_helpers()
    out_dir = Path("build") / "aesara_prebuilt_src"
    exts = []
    for name, path, flags, libraries in helpers.generate_sources(C_DIR, out_dir):
        exts.append(
            Extension(
                f"{helpers.PACKAGE}.{name}",
                sources=[str(path)],
                extra_compile_args=["-O1", "-fvisibility=hidden", "-w", *flags],
                extra_link_args=["-fopenmp"] if "-fopenmp" in flags else [],
                libraries=libraries,
                optional=True,
            )
        )
    return exts


class BuildRuntimes(build_ext):
    """``build_ext`` that never fails the install over a runtime."""

    def finalize_options(self):
        super().finalize_options()
        try:
            import numpy
        except ImportError:
            self._have_numpy = False
        else:
            self._have_numpy = True
            self.include_dirs.append(numpy.get_include())

    def build_extension(self, ext):
        if not self._have_numpy:
            print(f"aesara: NumPy headers missing, {ext.name} is built on first use")
            return
        try:
            super().build_extension(ext)
        except Exception as err:  # no compiler, broken toolchain...
            print(
                f"aesara: could not prebuild {ext.name} ({err}); it will be "
                "compiled on first use",
                file=sys.stderr,
            )


setup(ext_modules=_extensions(), cmdclass={"build_ext": BuildRuntimes})
