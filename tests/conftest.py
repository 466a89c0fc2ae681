"""Session-wide test settings.

A test that runs for more than ``SLOW_TEST_SECONDS`` is named in the output
as soon as it finishes, so that a CI log cut short still says where the time
went (the ``--durations`` table only prints at the end).
"""

from __future__ import annotations

import pytest

SLOW_TEST_SECONDS = 30.0

_config: pytest.Config | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _config
    _config = config


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.duration < SLOW_TEST_SECONDS or _config is None:
        return
    reporter = _config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"[slow] {report.nodeid} ({report.when}) took {report.duration:.0f} s"
        )
