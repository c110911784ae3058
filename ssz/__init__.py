# Installed before any view is used: see ssz/view_speedups.py.
from ssz import view_speedups as _view_speedups  # noqa: F401
