"""gazetteer — resolve place mentions to geometries, offline.

Knows places and names, and nothing about events or maps.
"""

from .errors import GeoError
from .gazetteer import Gazetteer
from .place import Kind, Place, Precision
from .context import Context
from .results import Candidate, Resolution

__all__ = ["Gazetteer", "Place", "Kind", "Precision", "Candidate", "Context", "Resolution", "GeoError"]
__version__ = "0.1.0"
