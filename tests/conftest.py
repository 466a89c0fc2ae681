"""Session-wide test settings.

The suite compiles into a temporary directory, never the user's compile
cache: it is made before aesara is first imported (``AESARA_FLAGS``), shared
by the pytest-xdist workers and the child processes tests start (they
inherit the environment), and removed at the end of the session.

A test that runs for more than ``SLOW_TEST_SECONDS`` is named in the output
as soon as it finishes, so that a CI log cut short still says where the time
went (the ``--durations`` table only prints at the end).
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_COMPILEDIR_ENV = "AESARA_TEST_COMPILEDIR"


def _use_temporary_compiledir() -> str | None:
    """Point aesara at the session's compile directory; return it if made here."""
    made = None
    base = os.environ.get(_COMPILEDIR_ENV)
    if not base:  # the controller (or a plain run): make it for everyone
        base = made = tempfile.mkdtemp(prefix="aesara-tests-")
        os.environ[_COMPILEDIR_ENV] = base
    # The user's own compile-directory settings must not send us to theirs.
    kept = [
        item
        for item in os.environ.get("AESARA_FLAGS", "").split(",")
        if item.strip()
        and item.split("=", 1)[0].strip() not in ("base_compiledir", "compiledir")
    ]
    kept += [f"base_compiledir={base}", f"compiledir={os.path.join(base, 'cache')}"]
    os.environ["AESARA_FLAGS"] = ",".join(kept)
    return made


_MADE_COMPILEDIR = _use_temporary_compiledir()

SLOW_TEST_SECONDS = 30.0

_config: pytest.Config | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _config
    _config = config


def pytest_unconfigure(config: pytest.Config) -> None:
    if _MADE_COMPILEDIR is not None and not hasattr(config, "workerinput"):
        shutil.rmtree(_MADE_COMPILEDIR, ignore_errors=True)


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.duration < SLOW_TEST_SECONDS or _config is None:
        return
    reporter = _config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"[slow] {report.nodeid} ({report.when}) took {report.duration:.0f} s"
        )
