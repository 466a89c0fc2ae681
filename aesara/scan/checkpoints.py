"""Placeholder: scan_checkpoints."""


def scan_checkpoints(*args, **kwargs):
    raise NotImplementedError("scan_checkpoints is not implemented yet")
