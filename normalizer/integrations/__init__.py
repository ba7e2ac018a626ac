"""Adapters that run mtnorm inside other engines: Ray Data (``ray``), datatrove (``datatrove``).

Each is a thin shell over :func:`normalizer.corpus.normalize_records`, so every engine produces
the same records as ``mtnorm corpus`` on one machine. The engines are optional extras
(``pip install 'mtnorm[ray]'``, ``'mtnorm[datatrove]'``); importing this package needs neither.
"""
