"""Command-line entry points (``python -m aesara.bin.aesara_cache``)."""
