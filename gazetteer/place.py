"""The place model: kinds, precision and the :class:`Place` record."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

__all__ = ["Kind", "Precision", "Place", "KIND_PRECISION"]


class Kind(str, Enum):
    """What a place is. The value is the string used in data files and output."""

    COUNTRY = "country"
    DEPARTMENT = "department"
    PROVINCE = "province"
    DISTRICT = "district"
    CAPITAL = "capital"  # a national capital city
    POPULATED_PLACE = "populated_place"
    MILITARY_BASE = "military_base"
    POLICE_BASE = "police_base"
    RIVER = "river"
    VALLEY = "valley"
    REGION = "region"
    COCA_ZONE = "coca_zone"

    @property
    def is_admin(self) -> bool:
        return self in (Kind.COUNTRY, Kind.DEPARTMENT, Kind.PROVINCE, Kind.DISTRICT)

    @property
    def is_base(self) -> bool:
        return self in (Kind.MILITARY_BASE, Kind.POLICE_BASE)


class Precision(str, Enum):
    """How precisely a location is known, with the ACLED and UCDP codes.

    ============  ================  ===============  ==============================
    value         ACLED geo_prec.   UCDP where_prec  meaning
    ============  ================  ===============  ==============================
    point         1                 1                the town, village or base itself
    near          2                 2                near a named place (~25 km)
    district      2                 3                somewhere in a district
    province      3                 3                somewhere in a province (ADM2)
    department    3                 4                somewhere in a department (ADM1)
    region        3                 5                a valley, region or coca zone
    country       3                 6                only the country is known
    water         3                 7                a river or other water body
    ============  ================  ===============  ==============================

    A district is finer than UCDP's second-order unit but coarser than its
    25 km radius, so it is reported conservatively as ``where_prec`` 3.
    """

    POINT = "point"
    NEAR = "near"
    DISTRICT = "district"
    PROVINCE = "province"
    DEPARTMENT = "department"
    REGION = "region"
    COUNTRY = "country"
    WATER = "water"

    @property
    def acled(self) -> int:
        """ACLED ``geo_precision`` (1–3)."""
        return _ACLED[self]

    @property
    def ucdp(self) -> int:
        """UCDP GED ``where_prec`` (1–7)."""
        return _UCDP[self]

    @property
    def rank(self) -> int:
        """0 for ``point`` up to 6 for ``country``: smaller is finer (``water`` ranks with ``region``)."""
        return _RANK[self]

    @classmethod
    def from_acled(cls, code: int) -> "Precision":
        """The finest precision an ACLED ``geo_precision`` code allows."""
        return {1: cls.POINT, 2: cls.NEAR, 3: cls.REGION}[int(code)]

    @classmethod
    def from_ucdp(cls, code: int) -> "Precision":
        """The precision a UCDP ``where_prec`` code stands for."""
        return {1: cls.POINT, 2: cls.NEAR, 3: cls.PROVINCE, 4: cls.DEPARTMENT,
                5: cls.REGION, 6: cls.COUNTRY, 7: cls.WATER}[int(code)]


_RANK = {Precision.POINT: 0, Precision.NEAR: 1, Precision.DISTRICT: 2, Precision.PROVINCE: 3,
         Precision.DEPARTMENT: 4, Precision.REGION: 5, Precision.WATER: 5, Precision.COUNTRY: 6}
_ACLED = {Precision.POINT: 1, Precision.NEAR: 2, Precision.DISTRICT: 2,
          Precision.PROVINCE: 3, Precision.DEPARTMENT: 3, Precision.REGION: 3,
          Precision.COUNTRY: 3, Precision.WATER: 3}
_UCDP = {Precision.POINT: 1, Precision.NEAR: 2, Precision.DISTRICT: 3,
         Precision.PROVINCE: 3, Precision.DEPARTMENT: 4, Precision.REGION: 5,
         Precision.COUNTRY: 6, Precision.WATER: 7}

#: The precision a resolved place of each kind gives an event located there.
KIND_PRECISION: dict[Kind, Precision] = {
    Kind.COUNTRY: Precision.COUNTRY,
    Kind.DEPARTMENT: Precision.DEPARTMENT,
    Kind.PROVINCE: Precision.PROVINCE,
    Kind.DISTRICT: Precision.DISTRICT,
    Kind.CAPITAL: Precision.POINT,
    Kind.POPULATED_PLACE: Precision.POINT,
    Kind.MILITARY_BASE: Precision.POINT,
    Kind.POLICE_BASE: Precision.POINT,
    Kind.RIVER: Precision.WATER,
    Kind.VALLEY: Precision.REGION,
    Kind.REGION: Precision.REGION,
    Kind.COCA_ZONE: Precision.REGION,
}


@dataclass(frozen=True)
class Place:
    """One entry of the gazetteer.

    Parameters
    ----------
    id : str
        Stable identifier, prefixed by its source: ``cur:`` (curated),
        ``ubigeo:`` (Peruvian admin unit, e.g. ``ubigeo:050408``),
        ``gn:`` (GeoNames id), ``inei:`` (INEI populated-place code),
        ``base:``, ``region:``.
    name : str
        Display name, with accents.
    kind : Kind
    lat, lon : float
        Representative point (WGS 84). For polygons a point inside them.
    country : str
        ISO 3166-1 alpha-2 code.
    admin1, admin2, admin3 : str or None
        Department, province and district names (first to third order).
    admin1_code, admin2_code, admin3_code : str or None
        UBIGEO codes in Peru (``DD``, ``DDPP``, ``DDPPdd``).
    population : int or None
    aliases : tuple of str
    source : str
        Where the entry comes from (a citation, or the data set and record).
    exact : bool
        False when the geometry is an approximation (a hull of member
        district capitals, a river traced through a few points).
    """

    id: str
    name: str
    kind: Kind
    lat: float
    lon: float
    country: str = "PE"
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    admin1_code: str | None = None
    admin2_code: str | None = None
    admin3_code: str | None = None
    population: int | None = None
    aliases: tuple[str, ...] = ()
    source: str = ""
    exact: bool = True
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def precision(self) -> Precision:
        return KIND_PRECISION[self.kind]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of the fields a user sees (no geometry)."""
        return {
            "id": self.id, "name": self.name, "kind": self.kind.value,
            "lat": round(self.lat, 6), "lon": round(self.lon, 6),
            "country": self.country,
            "admin1": self.admin1, "admin2": self.admin2, "admin3": self.admin3,
            "admin1_code": self.admin1_code, "admin2_code": self.admin2_code,
            "admin3_code": self.admin3_code,
            "population": self.population,
            "precision": self.precision.value,
            "geo_precision": self.precision.acled,
            "where_prec": self.precision.ucdp,
            "exact": self.exact,
            "source": self.source,
        }
