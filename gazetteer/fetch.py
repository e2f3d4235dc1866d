"""Download the Peru data pack and convert it into the layout the loader reads.

The data pack (see :mod:`gazetteer.sources.datapack`) is built from public
files listed, with their SHA-256, in ``gazetteer/data/registry.txt``:

* ``ubigeo_departamento/provincia/distrito.csv`` from
  jmcastagnetto/ubigeo-peru-aumentado, kept as downloaded;
* ``centros_poblados.csv``, converted from that repository's
  ``ubigeo_ccpp.rds`` (INEI's ~95,000 populated places);
* ``departments/provinces/districts.geojson``, converted from the ``sf``
  tables ``map_DEP/PROV/DIST.rda`` of mapsPERU v2.0.0.

Downloads go to a temporary file, are hash-checked and only then moved into
place (pooch's ``stream_download``); converted files are written beside
their target and moved with :func:`os.replace`. An interrupted fetch never
leaves a half-written file, and running it again builds only what is
missing. The R files are kept under ``peru/upstream/`` so that a rebuild
needs no network.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sys
import tempfile
import time
import urllib.parse
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

from .errors import DataError, DownloadError, HashMismatchError, InvalidInputError
from .sources import datapack

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_RETRIES",
    "REGISTRY",
    "MANIFEST",
    "TARGETS",
    "RegistryEntry",
    "load_registry",
    "default_data_dir",
    "find_data_dir",
    "fetch",
    "info",
]

#: Seconds to wait for a server to connect or send data, per request.
DEFAULT_TIMEOUT = 60.0
#: Extra attempts after a connection failure, timeout or HTTP 5xx (1 s, 2 s, … apart).
DEFAULT_RETRIES = 2
#: The list of downloadable files: ``<path in pack> <sha256> <url>`` per line.
REGISTRY = Path(__file__).parent / "data" / "registry.txt"
#: Written into the pack by :func:`fetch`: size and SHA-256 of every file built.
MANIFEST = "datapack.json"

#: Pack file -> the registry file it is built from (the same path: kept as is).
#: The populated places come last: reading the .rds takes ~10 s of pure Python.
TARGETS: dict[str, str] = {
    "peru/places/ubigeo_departamento.csv": "peru/places/ubigeo_departamento.csv",
    "peru/places/ubigeo_provincia.csv": "peru/places/ubigeo_provincia.csv",
    "peru/places/ubigeo_distrito.csv": "peru/places/ubigeo_distrito.csv",
    "peru/boundaries/departments.geojson": "peru/upstream/map_DEP.rda",
    "peru/boundaries/provinces.geojson": "peru/upstream/map_PROV.rda",
    "peru/boundaries/districts.geojson": "peru/upstream/map_DIST.rda",
    "peru/places/centros_poblados.csv": "peru/upstream/ubigeo_ccpp.rds",
}

#: Columns each converted file must carry (the loader reads them).
_COLUMNS = {
    "peru/places/centros_poblados.csv": (
        "inei_ccpp", "inei_distrito", "departamento", "provincia", "distrito",
        "ccpp", "tipo", "latitude", "longitude",
    ),
    "peru/boundaries/departments.geojson": ("COD_DEPARTAMENTO", "DEPARTAMENTO", "coords_x", "coords_y"),
    "peru/boundaries/provinces.geojson": (
        "COD_DEPARTAMENTO", "COD_PROVINCIA", "DEPARTAMENTO", "PROVINCIA", "coords_x", "coords_y",
    ),
    "peru/boundaries/districts.geojson": (
        "COD_DEPARTAMENTO", "COD_PROVINCIA", "COD_DISTRITO", "DEPARTAMENTO", "PROVINCIA",
        "DISTRITO", "NOMBRE_CAPITAL_LEGAL", "coords_x", "coords_y",
    ),
}


class RegistryEntry(NamedTuple):
    """One downloadable file: its path in the pack, SHA-256 and upstream URL."""

    name: str
    sha256: str
    url: str


def load_registry(path: str | os.PathLike = REGISTRY) -> dict[str, RegistryEntry]:
    """Read a registry file (pooch's ``load_registry`` format).

    Returns
    -------
    dict
        Path in the pack -> :class:`RegistryEntry`.

    Raises
    ------
    DataError
        When a line lacks a URL or its hash is not a SHA-256.
    """
    pup = _pooch(Path("."), base_url=None, registry=path)
    entries = {}
    for name, digest in pup.registry.items():
        if not re.fullmatch(r"[0-9a-f]{64}", digest) or name not in pup.urls:
            raise DataError(f"{path}: the entry for {name} needs a SHA-256 (64 hex digits) and a URL")
        entries[name] = RegistryEntry(name, digest, pup.urls[name])
    return entries


def default_data_dir() -> Path:
    """Where :func:`fetch` puts the pack: ``$GEO_DATA_DIR``, else the user cache.

    The cache is ``platformdirs.user_cache_dir("geo-insurgency")/datapack``
    (``~/.cache/geo-insurgency/datapack`` on Linux).
    """
    env = os.environ.get(datapack.ENV_VAR)
    return Path(env).expanduser() if env else datapack.cache_dir()


def find_data_dir() -> Path | None:
    """The complete data pack to read, if there is one.

    Returns
    -------
    Path or None
        ``$GEO_DATA_DIR`` when set and complete; else the user cache when it
        holds a complete pack; else None. An incomplete ``$GEO_DATA_DIR`` is
        ignored with a warning that names the missing files.
    """
    env = os.environ.get(datapack.ENV_VAR)
    if env:
        path = Path(env).expanduser()
        missing = _missing(path)
        if not missing:
            return path.resolve()
        warnings.warn(
            f"{datapack.ENV_VAR}={path} is not a complete data pack (missing {', '.join(missing)}); ignoring it",
            stacklevel=2,
        )
    cached = datapack.cache_dir()
    return cached if not _missing(cached) else None


def fetch(
    dest: str | os.PathLike | None = None,
    *,
    base_url: str | None = None,
    force: bool = False,
    progress: bool = True,
    retries: int = DEFAULT_RETRIES,
) -> Path:
    """Download the Peru data pack and convert it into the loader's layout.

    Parameters
    ----------
    dest : path, optional
        Folder to build the pack in; default :func:`default_data_dir`.
    base_url : str, optional
        An HTTP(S) mirror serving every registry path under this URL (for
        example a server over a copy of ``../shared/data``), instead of the
        GitHub URLs of the registry.
    force : bool, default False
        Rebuild every file: check every download against the registry again
        (downloading what does not match) and convert again. Otherwise files
        already in the pack are left alone and nothing is downloaded for them.
    progress : bool, default True
        Show a progress bar (one step per file) on stderr.
    retries : int, default :data:`DEFAULT_RETRIES`
        Extra attempts for a download that fails on the way (connection,
        timeout, HTTP 5xx); a 404 or a hash mismatch fails at once.

    Returns
    -------
    Path
        The pack folder, ready for ``Gazetteer.default(data_dir=...)``.

    Raises
    ------
    DownloadError
        A file could not be downloaded (the message names the URL).
    HashMismatchError
        A download does not have the registry's SHA-256; it was discarded.
    InvalidInputError
        ``base_url`` is not an http(s) URL, or ``retries`` is negative.

    Examples
    --------
    >>> from gazetteer.fetch import fetch
    >>> path = fetch()                       # doctest: +SKIP
    >>> sorted(p.name for p in (path / "peru/boundaries").iterdir())  # doctest: +SKIP
    ['departments.geojson', 'districts.geojson', 'provinces.geojson']
    """
    if base_url is not None and not re.match(r"https?://", base_url):
        raise InvalidInputError(f"base_url must start with http:// or https://, not {base_url!r}")
    if retries < 0:
        raise InvalidInputError(f"retries must be 0 or more, not {retries}")
    root = (Path(dest).expanduser() if dest is not None else default_data_dir()).resolve()
    todo = [target for target in TARGETS if force or not (root / target).is_file()]
    if not todo:
        return root
    from tqdm import tqdm

    pup = _pooch(root, base_url=base_url)
    with _quiet_pooch(), tqdm(total=len(todo), desc="Peru data pack", unit="file",
                              disable=not progress, file=sys.stderr) as bar:
        for target in todo:
            source = TARGETS[target]
            bar.set_postfix_str(Path(source).name)
            downloaded = _download(pup, source, retries=retries)
            if source != target:
                _convert(downloaded, root, target)
            bar.update()
    _write_manifest(root)
    return root


def info(data_dir: str | os.PathLike | None = None) -> dict[str, Any]:
    """Describe a data pack: its files, sizes, whether their hashes check out.

    Parameters
    ----------
    data_dir : path, optional
        The pack to describe; default :func:`find_data_dir`.

    Returns
    -------
    dict
        JSON-ready: ``data_dir`` (None when no pack was found),
        ``default_dir``, ``complete``, ``verified`` and ``files``, one entry
        per pack file and per kept download with ``name``, ``status``
        (``ok``, ``modified``, ``missing`` or ``unverified`` when nothing
        lists its hash), ``size``, ``sha256`` and ``records`` (rows or
        features).
    """
    path = Path(data_dir).expanduser() if data_dir is not None else find_data_dir()
    out: dict[str, Any] = {"data_dir": None, "default_dir": str(default_data_dir()),
                           "complete": False, "verified": False, "files": []}
    if path is None:
        return out
    registry = load_registry()
    expected = {name: entry.sha256 for name, entry in registry.items()}
    manifest = _read_manifest(path)
    for name, item in manifest.get("files", {}).items():
        expected.setdefault(name, item.get("sha256"))
    names = list(TARGETS) + [name for name in registry if name not in TARGETS]
    files = [_describe(path, name, expected.get(name)) for name in names]
    pack = [f for f in files if f["name"] in TARGETS]
    out.update(data_dir=str(path), complete=all(f["status"] != "missing" for f in pack),
               verified=all(f["status"] == "ok" for f in pack), files=files)
    if manifest:
        out["fetched"] = manifest.get("created")
    return out


# -- downloading --------------------------------------------------------------

def _pooch(root: Path, *, base_url: str | None, registry: str | os.PathLike = REGISTRY):
    import pooch

    pup = pooch.create(path=root, base_url=base_url.rstrip("/") + "/" if base_url else "")
    pup.load_registry(registry)
    if base_url:
        pup.urls.clear()  # a mirror serves every file under its own base URL
    return pup


def _download(pup, name: str, *, retries: int) -> Path:
    """Fetch one registry file into the pack (no request when it is there and intact).

    Connection failures, timeouts and server errors (5xx) are tried again
    after 1 s, 2 s, …; an HTTP 4xx or a hash mismatch fails at once.
    """
    import pooch
    import requests

    url = pup.get_url(name)
    downloader = pooch.HTTPDownloader(progressbar=False, timeout=DEFAULT_TIMEOUT)
    attempt = 0
    while True:
        try:
            return Path(pup.fetch(name, downloader=downloader))
        except (requests.ConnectionError, requests.Timeout, requests.HTTPError) as exc:
            status = getattr(exc.response, "status_code", None)
            if _offline(exc):
                host = urllib.parse.urlsplit(url).hostname
                raise DownloadError(
                    f"cannot reach {host} (no network or no DNS): to work offline, copy a data pack to a "
                    f"folder and set GEO_DATA_DIR to it, or fetch from a mirror you can reach with --mirror URL"
                ) from exc
            if (status is not None and status < 500) or attempt >= retries:
                raise DownloadError(f"cannot download {url}: {_reason(exc)}") from exc
            attempt += 1
            time.sleep(attempt)
        except requests.RequestException as exc:
            raise DownloadError(f"cannot download {url}: {_reason(exc)}") from exc
        except ValueError as exc:
            # pooch reports a hash mismatch as a ValueError, after deleting the download.
            got = re.search(r"but got ([0-9a-f]{64})", str(exc))
            if got is None:
                raise
            raise HashMismatchError(
                f"{url} has SHA-256 {got.group(1)}, not {pup.registry[name]} as the registry lists; "
                "the download was discarded"
            ) from exc


def _offline(exc: Exception) -> bool:
    """Whether a request failed because the host's name cannot be looked up (offline): no retry helps."""
    text = str(exc)
    return any(sign in text for sign in ("NameResolutionError", "Failed to resolve", "Name or service not known",
                                         "Temporary failure in name resolution", "nodename nor servname"))


def _reason(exc: Exception) -> str:
    """One line saying why a request failed."""
    import requests

    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, requests.Timeout):
        return f"no answer within {DEFAULT_TIMEOUT:g} s"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def _quiet_pooch() -> Iterator[None]:
    """Silence pooch's "Downloading file …" log lines; the progress bar says it."""
    import pooch

    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")
    try:
        yield
    finally:
        logger.setLevel(level)


# -- converting ----------------------------------------------------------------

@contextmanager
def _atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``, moved onto it when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as tmp:
        path = Path(tmp) / target.name
        yield path
        os.replace(path, target)


def _convert(source: Path, root: Path, name: str) -> None:
    """Read an R file and write the pack file ``name`` from it."""
    import rdata

    target = root / name
    if source.suffix == ".rds":
        frame = rdata.read_rds(source, constructor_dict=_r_classes())
    else:
        objects = rdata.read_rda(source, constructor_dict=_r_classes())
        if source.stem not in objects:
            raise DataError(f"{source} holds {', '.join(objects)}, not the expected {source.stem}")
        frame = objects[source.stem]
    missing = [c for c in _COLUMNS[name] if c not in frame.columns]
    if missing:
        raise DataError(f"{source} lacks the columns {', '.join(missing)} that {name} needs")
    with _atomic_path(target) as tmp:
        if target.suffix == ".csv":
            frame.to_csv(tmp, index=False, lineterminator="\n")
        else:
            # The layer name becomes the GeoJSON "name" member, as in ../shared/data.
            frame.reset_index(drop=True).to_file(tmp, driver="GeoJSON", layer=source.stem, engine="pyogrio")


def _r_classes() -> dict:
    """rdata constructors for the R classes of these files (tibbles and sf)."""
    import rdata

    classes = dict(rdata.conversion.DEFAULT_CLASS_MAP)
    classes.update({
        "sf": _frame,
        "tbl_df": _frame,
        "data.frame": _frame,
        "sfc_MULTIPOLYGON": _sfc,
        "sfc_POLYGON": _sfc,
        "XY": _sfg,  # an sfg's class is c("XY", "<type>", "sfg")
        "crs": _crs,
        "bbox": lambda obj, attrs: obj,
    })
    return classes


def _sfg(obj: Any, attrs: dict) -> Any:
    """One sf geometry: a POLYGON is a list of rings, a MULTIPOLYGON a list of polygons."""
    import shapely

    kind = str(attrs["class"][1])
    if kind == "POLYGON":
        return shapely.Polygon(obj[0], obj[1:]) if obj else shapely.Polygon()
    if kind == "MULTIPOLYGON":
        return shapely.MultiPolygon([shapely.Polygon(p[0], p[1:]) for p in obj])
    raise DataError(f"unsupported sf geometry type {kind}")


def _sfc(obj: list, attrs: dict) -> Any:
    """An sf geometry column, as a GeometryArray (kept positional inside the frame)."""
    import shapely
    from geopandas.array import from_shapely

    if not all(isinstance(g, shapely.Geometry) for g in obj):
        raise DataError(f"unsupported sf geometry column of class {', '.join(map(str, attrs['class']))}")
    return from_shapely(obj, crs=attrs.get("crs"))


def _crs(obj: dict, attrs: dict) -> Any:
    import pyproj

    return pyproj.CRS.from_wkt(str(obj["wkt"][0]))


def _frame(obj: dict, attrs: dict) -> Any:
    """A data frame or tibble; a GeoDataFrame when it holds an sf geometry column.

    mapsPERU saves tibbles with an ``sfc`` column but without the ``sf`` class
    (nor its ``sf_column`` attribute), so the geometry is found by its type.
    """
    import geopandas as gpd
    import rdata

    frame = rdata.conversion.dataframe_constructor(obj, attrs)
    geometry = [c for c in frame.columns if isinstance(frame[c].dtype, gpd.array.GeometryDtype)]
    if not geometry:
        return frame
    name = str(attrs["sf_column"][0]) if "sf_column" in attrs else geometry[0]
    frame = gpd.GeoDataFrame(frame, geometry=name)
    if frame.crs is None:
        raise DataError("an sf geometry column has no CRS")
    # sf keeps longitude/latitude order even for EPSG:4326, as GeoJSON wants.
    if frame.crs.to_epsg() == 4326:
        return frame.set_crs(4326, allow_override=True)
    return frame.to_crs(4326)


# -- describing -----------------------------------------------------------------

def _missing(path: Path) -> list[str]:
    return [name for name in datapack.REQUIRED if not (path / name).is_file()]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _records(path: Path) -> int | None:
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as f:
            return sum(1 for _ in csv.reader(f)) - 1
    if path.suffix == ".geojson":
        import pyogrio

        return int(pyogrio.read_info(path)["features"])
    return None


def _describe(root: Path, name: str, expected: str | None) -> dict[str, Any]:
    path = root / name
    if not path.is_file():
        return {"name": name, "status": "missing"}
    digest = _sha256(path)
    status = "unverified" if expected is None else "ok" if digest == expected else "modified"
    return {"name": name, "status": status, "size": path.stat().st_size, "sha256": digest,
            "records": _records(path)}


def _write_manifest(root: Path) -> None:
    import pyogrio
    import rdata

    registry = load_registry()
    files = {name: {"size": (root / name).stat().st_size, "sha256": _sha256(root / name),
                    "source": registry[TARGETS[name]].url}
             for name in TARGETS if (root / name).is_file()}
    doc = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "converted_with": {"rdata": rdata.__version__, "gdal": pyogrio.__gdal_version_string__},
        "files": files,
    }
    with _atomic_path(root / MANIFEST) as tmp:
        tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def _read_manifest(root: Path) -> dict[str, Any]:
    try:
        return json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, UnicodeDecodeError) as exc:
        warnings.warn(f"{root / MANIFEST} is unreadable ({exc}); ignoring it", stacklevel=3)
        return {}
