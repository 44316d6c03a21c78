"""Data sets shipped with alignlab (METR's agent runs and published horizons, the Starling reward
samples): the catalogue with sources, licences and checksums, and where each is read from.

``alignlab.data.path("metr-runs")`` is a file to read (checked on first read); every function and
command that reads a data file also takes a data set's name. See :mod:`alignlab.data.catalogue`.
"""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "CATALOGUE": "catalogue", "DataError": "catalogue", "DataSet": "catalogue", "NAMES": "catalogue",
    "ENVIRONMENT": "catalogue", "data_folder": "catalogue", "get": "catalogue", "original_bytes": "catalogue",
    "path": "catalogue", "resolve": "catalogue", "shipped_bytes": "catalogue", "using": "catalogue",
    "where": "catalogue",
})
