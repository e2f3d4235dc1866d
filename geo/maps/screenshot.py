"""Screenshots of saved maps in headless Chromium (the README's picture, reports).

Needs playwright-python and a Chromium: Debian's ``chromium`` is used when
installed (no browser download), else playwright's own. A self-contained map
needs nothing else; tiles come from the network, or, with ``tiles=False``,
every tile is answered with a blank image so the picture is the same offline
and online::

    python -m geo.maps.screenshot maps/vraem.html maps/vraem.png --no-tiles --overwrite
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import sys
from pathlib import Path

from gazetteer.atomic import write_bytes
from gazetteer.errors import GeoError, InvalidInputError, OutputExistsError

__all__ = ["screenshot", "CHROMIUM_ARGS", "DEFAULT_SIZE"]

#: How Chromium is started (no sandbox: containers and CI run as root).
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")

#: Width and height of the picture, in CSS pixels.
DEFAULT_SIZE = (1280, 800)

#: Milliseconds to wait after the page's load event (clusters are built in chunks after it).
_SETTLE_MS = 1500

_BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def screenshot(html: str | os.PathLike, png: str | os.PathLike, *, size: tuple[int, int] = DEFAULT_SIZE,
               tiles: bool = True, chromium: str | os.PathLike | None = None, browser=None,
               overwrite: bool = False) -> Path:
    """Open a saved map in headless Chromium and write a PNG of the window.

    Parameters
    ----------
    html : path-like
        The map (best saved with ``self_contained=True``: nothing else is fetched).
    png : path-like
        The picture to write (atomically).
    size : (int, int)
        Window width and height in CSS pixels.
    tiles : bool
        Fetch map tiles; False answers every web request with a blank image.
    chromium : path-like, optional
        The Chromium binary; default Debian's ``chromium`` when on the PATH,
        else playwright's bundled browser.
    browser : playwright.sync_api.Browser, optional
        A browser already running (``chromium`` is then not used); it is left open.
    overwrite : bool
        Replace an existing PNG.

    Returns
    -------
    pathlib.Path
        The PNG written.

    Raises
    ------
    gazetteer.errors.OutputExistsError
        If ``png`` exists and ``overwrite`` is false.
    gazetteer.errors.InvalidInputError
        If ``html`` is not a file.
    ImportError
        If playwright is not installed.
    playwright.sync_api.Error
        If Chromium cannot be started or the page cannot be opened.
    """
    html, png = Path(html).resolve(), Path(png)
    if not html.is_file():
        raise InvalidInputError(f"no map at {html}")
    if png.exists() and not overwrite:
        raise OutputExistsError(f"{png} exists; pass overwrite=True (--overwrite) to replace it")
    if browser is not None:
        data = _shoot(browser, html, size=size, tiles=tiles)
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise ImportError("screenshots need playwright: pip install playwright") from exc
        executable = chromium or shutil.which("chromium")
        with sync_playwright() as p:
            instance = p.chromium.launch(executable_path=str(executable) if executable else None,
                                         args=list(CHROMIUM_ARGS))
            try:
                data = _shoot(instance, html, size=size, tiles=tiles)
            finally:
                instance.close()
    write_bytes(png, data)
    return png


def _shoot(browser, html: Path, *, size: tuple[int, int], tiles: bool) -> bytes:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    try:
        if not tiles:
            page.route("http*://**/*", lambda route: route.fulfill(status=200, content_type="image/png",
                                                                    body=_BLANK_PNG))
        page.goto(html.as_uri(), wait_until="load")
        page.wait_for_timeout(_SETTLE_MS)
        return page.screenshot()
    finally:
        page.close()


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.maps.screenshot", description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the saved map")
    parser.add_argument("png", type=Path, help="the picture to write")
    parser.add_argument("--size", default=f"{DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]}", help="WIDTHxHEIGHT (1280x800)")
    parser.add_argument("--no-tiles", action="store_true", help="blank tiles: no network, the same picture offline")
    parser.add_argument("--chromium", type=Path, default=None, help="Chromium binary (default: chromium on the PATH)")
    parser.add_argument("--overwrite", action="store_true", help="replace PNG if it exists")
    args = parser.parse_args(argv)
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size must be WIDTHxHEIGHT, got {args.size!r}")
    failures: tuple[type[BaseException], ...] = (GeoError, ImportError)
    try:
        from playwright.sync_api import Error as BrowserError

        failures += (BrowserError,)
    except ImportError:
        pass
    try:
        path = screenshot(args.html, args.png, size=(width, height), tiles=not args.no_tiles, chromium=args.chromium,
                          overwrite=args.overwrite)
    except failures as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
