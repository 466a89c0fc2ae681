"""Miscellaneous helpers Aesara keeps in ``aesara.misc``.

``safe_asarray`` (``_asarray``), ``may_share_memory``, ``frozendict``,
``ordered_set`` (``OrderedSet``), ``pkl_utils`` (pickling with arrays stored
apart, ``StripPickler``), and the small benchmark scripts ``check_blas``,
``check_duplicate_key``, ``elemwise_openmp_speedup``,
``elemwise_time_test`` and ``latence_gpu_transfert``. Nothing is imported
here: import the submodule you need.
"""
