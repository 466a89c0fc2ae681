"""The test suite compiles into its own temporary directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from aesara.configdefaults import config


def test_suite_compiles_outside_the_users_cache():
    home_cache = Path(os.path.expanduser("~"), ".aesara").resolve()
    compiledir = Path(config.compiledir).resolve()
    assert home_cache not in compiledir.parents and compiledir != home_cache
    assert Path(tempfile.gettempdir()).resolve() in compiledir.parents
    assert os.environ["AESARA_TEST_COMPILEDIR"] in str(compiledir)
