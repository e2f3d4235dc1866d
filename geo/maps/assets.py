"""Local copies of Leaflet and its plugins, for maps that work offline.

folium's pages load their scripts and stylesheets from CDNs; without the
network a map fails (``L is not defined``). The registry ``assets.txt`` maps
each CDN URL the maps use to a file in a public npm package, and gives the
SHA-256 of that package's tarball. :func:`inline_assets` replaces every
``<script src>`` and stylesheet ``<link>`` of a page with the file's contents
(stylesheets with their fonts and images as ``data:`` URIs), so one HTML file
carries everything but the map tiles.

Tarballs come from the npm registry on first use (with a timeout, through
pooch, hash-checked) into the cache folder, ``$GEO_ASSETS_DIR`` or the user
cache (``platformdirs``), and are unpacked there. On a machine without
network, put the tarballs in ``$GEO_ASSETS_DIR`` (``npm pack name@version``
names them as expected).

Run ``python -m geo.maps.assets fetch`` to fill the cache ahead of time.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
import re
import shutil
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import platformdirs
import pooch
import requests

from gazetteer.errors import DataError, DownloadError, HashMismatchError, InvalidInputError

__all__ = [
    "Registry",
    "load_registry",
    "cache_dir",
    "fetch_package",
    "asset_path",
    "inline_assets",
    "DEFAULT_TIMEOUT",
    "NPM_REGISTRY",
]

#: Seconds to wait for the npm registry before giving up.
DEFAULT_TIMEOUT = 60

#: Where tarballs come from (``$GEO_NPM_REGISTRY`` overrides, e.g. for a mirror).
NPM_REGISTRY = "https://registry.npmjs.org"

_REGISTRY_FILE = Path(__file__).with_name("assets.txt")
_SCRIPT_TAG = re.compile(r'<script src="(?P<url>https?://[^"]+)"></script>')
_STYLE_TAG = re.compile(r'<link rel="stylesheet" href="(?P<url>https?://[^"]+)"\s*/?>')
_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<ref>[^'")]+)(?P=q)\s*\)""")
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=\S+\s*$", re.MULTILINE)
_CSS_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")
_FONT_SRC = re.compile(r"src:(?P<value>[^;}]+)")
_SPEC = re.compile(r"^(?P<name>(?:@[a-z0-9._-]+/)?[a-z0-9._-]+)@(?P<version>[0-9][0-9A-Za-z.+-]*)$")


@dataclass(frozen=True)
class Registry:
    """The asset registry: package -> tarball hash, and URL -> (package, path)."""

    packages: dict[str, str]
    urls: dict[str, tuple[str, str]]


def load_registry(path: str | os.PathLike | None = None) -> Registry:
    """Read an asset registry file (default: the one shipped with the package).

    Raises
    ------
    gazetteer.errors.DataError
        For a malformed line, naming the file and line number.
    """
    path = Path(path) if path is not None else _REGISTRY_FILE
    packages: dict[str, str] = {}
    urls: dict[str, tuple[str, str]] = {}
    section = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line in ("[packages]", "[urls]"):
            section = line
            continue
        fields = line.split()
        if section == "[packages]" and len(fields) == 2 and _SPEC.match(fields[0]) and re.fullmatch(r"[0-9a-f]{64}", fields[1]):
            packages[fields[0]] = fields[1]
        elif section == "[urls]" and len(fields) == 3 and fields[0].startswith("https://"):
            urls[fields[0]] = (fields[1], fields[2])
        else:
            raise DataError(f"{path}:{number}: cannot read {raw.strip()!r} in section {section or '(none)'}")
    unknown = sorted({spec for spec, _ in urls.values()} - packages.keys())
    if unknown:
        raise DataError(f"{path}: URLs refer to packages without a hash: {', '.join(unknown)}")
    return Registry(packages, urls)


def cache_dir() -> Path:
    """The folder for tarballs and unpacked packages: ``$GEO_ASSETS_DIR`` or the user cache."""
    override = os.environ.get("GEO_ASSETS_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir("geo-insurgency")) / "js"


def fetch_package(spec: str, *, registry: Registry | None = None, cache: Path | None = None) -> Path:
    """The unpacked root of npm package ``spec`` (``name@version``), downloading it if needed.

    Parameters
    ----------
    spec : str
        A package listed in the registry, e.g. ``"leaflet@1.9.3"``.
    registry : Registry, optional
        Defaults to :func:`load_registry`.
    cache : pathlib.Path, optional
        Defaults to :func:`cache_dir`.

    Raises
    ------
    gazetteer.errors.DownloadError
        If the tarball is not cached and cannot be downloaded.
    gazetteer.errors.HashMismatchError
        If the tarball does not have the registry's hash.
    gazetteer.errors.InvalidInputError
        If ``spec`` is not in the registry.
    """
    registry = registry or load_registry()
    cache = Path(cache) if cache is not None else cache_dir()
    if spec not in registry.packages:
        raise InvalidInputError(f"npm package {spec} is not in the asset registry {_REGISTRY_FILE.name}")
    sha256 = registry.packages[spec]
    root = cache / "unpacked" / f"{_tarball_name(spec)[:-4]}-{sha256[:12]}"
    if (root / "package").is_dir():
        return root / "package"
    tarball = _download(spec, sha256, cache)
    _unpack(tarball, root)
    return root / "package"


def asset_path(url: str, *, registry: Registry | None = None, cache: Path | None = None) -> Path:
    """The local file standing for a CDN ``url`` (fetching its package if needed).

    Raises
    ------
    gazetteer.errors.InvalidInputError
        If the URL is not in the registry.
    gazetteer.errors.DownloadError
        If its package cannot be fetched.
    """
    registry = registry or load_registry()
    if url not in registry.urls:
        raise InvalidInputError(f"no local copy of {url}: add it to geo/maps/{_REGISTRY_FILE.name}")
    spec, inner = registry.urls[url]
    root = fetch_package(spec, registry=registry, cache=cache)
    path = (root / inner).resolve()
    if not path.is_file() or not path.is_relative_to(root.resolve()):
        raise DataError(f"npm package {spec} has no file {inner} (listed for {url})")
    return path


def inline_assets(page: str, *, registry: Registry | None = None, cache: Path | None = None) -> str:
    """Replace a page's ``<script src>`` and stylesheet links with the files themselves.

    Parameters
    ----------
    page : str
        HTML as folium renders it.
    registry, cache
        As for :func:`fetch_package`.

    Returns
    -------
    str
        The page with inline ``<script>`` and ``<style>`` elements; CSS
        ``url()`` references to package files become ``data:`` URIs (web
        fonts: the WOFF2 file only).

    Raises
    ------
    gazetteer.errors.InvalidInputError
        If the page loads a URL the registry does not list.
    gazetteer.errors.DownloadError
        If a package cannot be fetched (the message names it).
    """
    registry = registry or load_registry()

    def script(match: re.Match) -> str:
        code = asset_path(match["url"], registry=registry, cache=cache).read_text(encoding="utf-8")
        # "</script" inside the code would end the element early; "<\/" means the same to JavaScript.
        code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)
        code = _SOURCE_MAP.sub("", code)
        return f"<script>/* {match['url']} */\n{code}\n</script>"

    def style(match: re.Match) -> str:
        path = asset_path(match["url"], registry=registry, cache=cache)
        spec = registry.urls[match["url"]][0]
        css = _inline_css_urls(path, fetch_package(spec, registry=registry, cache=cache))
        css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
        css = _CSS_SOURCE_MAP.sub("", css)
        return f"<style>/* {match['url']} */\n{css}\n</style>"

    page = _SCRIPT_TAG.sub(script, page)
    return _STYLE_TAG.sub(style, page)


def _tarball_name(spec: str) -> str:
    """The file name ``npm pack`` gives: ``@scope/name@1.0`` -> ``scope-name-1.0.tgz``."""
    match = _SPEC.match(spec)
    if match is None:
        raise InvalidInputError(f"not an npm package spec (name@version): {spec!r}")
    return f"{match['name'].lstrip('@').replace('/', '-')}-{match['version']}.tgz"


def _tarball_url(spec: str) -> str:
    match = _SPEC.match(spec)
    base = os.environ.get("GEO_NPM_REGISTRY", NPM_REGISTRY).rstrip("/")
    name = match["name"]
    return f"{base}/{name}/-/{name.rsplit('/', 1)[-1]}-{match['version']}.tgz"


def _download(spec: str, sha256: str, cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    fname = _tarball_name(spec)
    try:
        return Path(pooch.retrieve(
            _tarball_url(spec), known_hash=f"sha256:{sha256}", fname=fname, path=cache,
            downloader=pooch.HTTPDownloader(timeout=DEFAULT_TIMEOUT, progressbar=False),
        ))
    except requests.RequestException as exc:
        raise DownloadError(
            f"cannot download npm package {spec} from {_tarball_url(spec)} ({type(exc).__name__}); "
            f"put {fname} in $GEO_ASSETS_DIR or retry online"
        ) from exc
    except ValueError as exc:  # pooch's hash mismatch
        raise HashMismatchError(f"npm package {spec}: {str(exc).splitlines()[0]}") from exc


def _unpack(tarball: Path, root: Path) -> None:
    # Unpack beside the target, then rename, so a half-unpacked folder is never used.
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            archive.extractall(tmp, filter="data")
        try:
            os.replace(tmp, root)
        except OSError:
            if not (root / "package").is_dir():  # another process did not win the race
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _inline_css_urls(path: Path, package_root: Path) -> str:
    css = path.read_text(encoding="utf-8")
    css = _FONT_SRC.sub(_woff2_only, css)
    root = package_root.resolve()

    def to_data_uri(match: re.Match) -> str:
        ref = match["ref"].strip()
        if ref.startswith(("data:", "#", "http:", "https:", "//")):
            return match.group(0)
        target = (path.parent / ref.split("?", 1)[0].split("#", 1)[0]).resolve()
        if not target.is_file() or not target.is_relative_to(root):
            return match.group(0)
        return f'url("{_data_uri(target)}")'

    return _CSS_URL.sub(to_data_uri, css)


def _woff2_only(match: re.Match) -> str:
    """Keep only the WOFF2 sources of an ``@font-face`` (every current browser reads it)."""
    sources = re.split(r",\s*(?=url\()", match["value"])
    woff2 = [s for s in sources if "woff2" in s]
    return "src:" + ",".join(woff2 or sources)


@lru_cache(maxsize=256)
def _data_uri(path: Path) -> str:
    kind = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".svg": "image/svg+xml"}.get(
        path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _main(argv: list[str]) -> int:
    usage = "usage: python -m geo.maps.assets fetch | hash NAME@VERSION"
    if argv == ["fetch"]:
        registry = load_registry()
        for spec in registry.packages:
            print(f"{spec}: {fetch_package(spec, registry=registry)}", file=sys.stderr)
        return 0
    if len(argv) == 2 and argv[0] == "hash":
        response = requests.get(_tarball_url(argv[1]), timeout=DEFAULT_TIMEOUT)
        response.raise_for_status()
        print(f"{argv[1]}  {hashlib.sha256(response.content).hexdigest()}")
        return 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(_main(sys.argv[1:]))
    except (DownloadError, DataError, InvalidInputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
