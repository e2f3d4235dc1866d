"""geo — events, geocoding, spatial queries, exports and maps of insurgent activity.

Asks :mod:`gazetteer` for places; never the reverse.
"""

__version__ = "0.1.0"
