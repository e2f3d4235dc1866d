"""Render folium maps without ever compiling data as template source.

branca, which folium builds on, renders each element's Jinja macros and wraps
the *output* in a new ``Element(output)``, whose constructor compiles it as a
Jinja template again (``branca.element.MacroElement.render``, folium's
``Popup.render``, ``Layer.render``, ...). Any text that reached that output —
a spreadsheet cell in a GeoJSON property, a layer name, a title — is then
template source: ``{{ 7*7 }}`` shows as ``49``, ``{{ lipsum.__globals__ ... }}``
runs Python, ``{# note`` fails with a ``TemplateSyntaxError``.

This module closes that path at its one choke point. While a
:class:`SafeFigure` renders, every :class:`branca.element.Element` created
from a string keeps the string verbatim (:class:`_Verbatim`) instead of
compiling it: everything created during rendering is already-rendered output.
Templates defined on classes (``_template = Template(...)``) are compiled at
import, from the package's own source, and are not affected. Data reaches them
only as variables (``{{ this.json }}``, ``{{ name|tojson }}``).

:func:`new_map` returns a :class:`folium.Map` whose root is a
:class:`SafeFigure`, so ``m.save()``, ``m.get_root().render()`` and a
notebook's ``_repr_html_`` are all safe; :class:`Raw` is the element for
page-level CSS and scripts that must not be compiled either.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import branca.element
import folium
from branca.element import Element, Figure

__all__ = ["Raw", "SafeFigure", "new_map", "verbatim_elements"]

#: Held while ``branca.element.Template`` is swapped, so renders in several
#: threads do not restore each other's swap half-way.
_LOCK = threading.RLock()


class _Verbatim:
    """Stands in for a Jinja template: renders to its source, unchanged."""

    __slots__ = ("source",)

    def __init__(self, source: str):
        self.source = source

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.source


class Raw(Element):
    """Text put in the page as it is: never compiled as a template.

    Parameters
    ----------
    text : str
        HTML, CSS or JavaScript. The caller escapes any data in it.

    Examples
    --------
    >>> Raw("<style>a { color: red }</style>{{ 7*7 }}").render()
    '<style>a { color: red }</style>{{ 7*7 }}'
    """

    def __init__(self, text: str):
        super().__init__()
        self._name = "Raw"
        self.text = str(text)

    def render(self, **kwargs: Any) -> str:
        return self.text


@contextmanager
def verbatim_elements() -> Iterator[None]:
    """While active, ``Element(text)`` keeps ``text`` verbatim instead of compiling it.

    branca's ``Element.__init__`` compiles its ``template`` argument through the
    module-level name ``branca.element.Template``; that name is swapped for
    :class:`_Verbatim` and restored on exit (re-entrant, under a lock).
    """
    with _LOCK:
        original = branca.element.Template
        if original is _Verbatim:  # already inside a safe render
            yield
            return
        branca.element.Template = _Verbatim
        try:
            yield
        finally:
            branca.element.Template = original


class SafeFigure(Figure):
    """A :class:`branca.element.Figure` that renders with :func:`verbatim_elements`."""

    def render(self, **kwargs: Any) -> str:
        with verbatim_elements():
            return super().render(**kwargs)


def new_map(**options: Any) -> folium.Map:
    """A :class:`folium.Map` whose root figure is a :class:`SafeFigure`.

    Parameters
    ----------
    **options
        Passed to :class:`folium.Map`.

    Examples
    --------
    >>> m = new_map(tiles=None)
    >>> isinstance(m.get_root(), SafeFigure)
    True
    """
    m = folium.Map(**options)
    figure = SafeFigure()
    # folium puts every map on a plain Figure; move it onto a safe one.
    m._parent._children.pop(m.get_name(), None)
    figure.add_child(m)
    return m
