"""C runtime modules compiled at install time (see :mod:`aesara.link.c.prebuilt`)."""
