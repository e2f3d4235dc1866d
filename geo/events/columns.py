"""Which input column holds which event field.

Analysts' spreadsheets name their columns in English or Spanish, with or
without accents, in any case ("Fecha", "LUGAR", "Departamento", "lat").
:func:`detect_columns` matches headers against the aliases below after
folding them; an explicit mapping (``{"Lugar del ataque": "location"}``)
always wins. ACLED and UCDP GED exports have fixed headers and get their own
mappings (:data:`ACLED_COLUMNS`, :data:`UCDP_COLUMNS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from gazetteer.errors import InvalidInputError
from gazetteer.names import fold

__all__ = ["ALIASES", "ACLED_COLUMNS", "UCDP_COLUMNS", "INPUT_FIELDS", "detect_columns",
           "parse_mapping", "sniff_format", "unrecognised_columns"]

#: Fields a reader fills from the input (the others are computed).
INPUT_FIELDS = (
    "event_id", "event_date", "date_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "fatalities", "location", "admin1", "admin1_code", "admin2", "admin2_code", "admin3",
    "admin3_code", "country", "latitude", "longitude", "geo_precision", "where_prec", "source",
    "source_url", "source_quote", "notes",
)

#: Field -> header spellings (folded: lower case, no accents, words joined by spaces).
ALIASES: dict[str, tuple[str, ...]] = {
    "event_id": ("event id", "id", "event", "id evento", "codigo", "cod evento", "identifier"),
    "event_date": ("event date", "date", "fecha", "fecha evento", "fecha del evento", "fecha de evento",
                   "dia", "day"),
    "date_precision": ("date precision", "precision fecha", "precision de fecha", "precision de la fecha"),
    "event_type": ("event type", "type", "tipo", "tipo evento", "tipo de evento", "category", "categoria"),
    "sub_event_type": ("sub event type", "subevent type", "sub type", "subtype", "subtipo",
                       "sub tipo", "subtipo de evento"),
    "actor1": ("actor1", "actor 1", "actor", "perpetrator", "perpetrador", "autor", "autores",
               "attacker", "attackers", "atacante", "atacantes", "group", "grupo", "side a"),
    "actor2": ("actor2", "actor 2", "target", "objetivo", "blanco", "victim", "victims", "victima",
               "victimas", "side b"),
    "fatalities": ("fatalities", "deaths", "killed", "dead", "death toll", "muertos", "fallecidos",
                   "victimas fatales", "muertes", "bajas", "numero de muertos", "numero de fallecidos",
                   "cantidad de muertos", "total muertos", "n muertos", "nro muertos", "number killed",
                   "number of deaths", "number of fatalities"),
    "location": ("location", "place", "place name", "lugar", "localidad", "ubicacion", "sitio",
                 "town", "village", "pueblo", "centro poblado", "locality", "site", "paraje"),
    "admin1": ("admin1", "admin 1", "adm1", "department", "departamento", "dpto", "depto", "region",
               "state", "estado", "adm 1"),
    "admin1_code": ("admin1 code", "admin1 pcode", "cod departamento", "codigo departamento",
                    "ubigeo departamento"),
    "admin2": ("admin2", "admin 2", "adm2", "province", "provincia", "prov", "adm 2"),
    "admin2_code": ("admin2 code", "admin2 pcode", "cod provincia", "codigo provincia",
                    "ubigeo provincia"),
    "admin3": ("admin3", "admin 3", "adm3", "district", "distrito", "dist", "municipality",
               "municipio", "adm 3"),
    "admin3_code": ("admin3 code", "admin3 pcode", "ubigeo", "cod distrito", "codigo distrito",
                    "ubigeo distrito"),
    "country": ("country", "pais", "country code", "iso2", "iso 2"),
    "latitude": ("latitude", "lat", "latitud", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "longitud", "x"),
    "geo_precision": ("geo precision", "precision geo", "precision geografica", "geoprecision"),
    "where_prec": ("where prec", "where precision"),
    "source": ("source", "fuente", "outlet", "medio", "sources", "fuentes"),
    "source_url": ("source url", "url", "link", "enlace", "fuente url", "url fuente"),
    "source_quote": ("source quote", "quote", "cita", "extracto", "excerpt"),
    "notes": ("notes", "note", "notas", "nota", "description", "descripcion", "comments",
              "comentarios", "observaciones", "summary", "resumen"),
}

#: ACLED export header -> field. ``time_precision`` and ``country`` get converted by the reader.
ACLED_COLUMNS: dict[str, str] = {
    "event_id_cnty": "event_id", "event_date": "event_date", "time_precision": "date_precision",
    "event_type": "event_type", "sub_event_type": "sub_event_type", "actor1": "actor1",
    "actor2": "actor2", "fatalities": "fatalities", "location": "location", "admin1": "admin1",
    "admin2": "admin2", "admin3": "admin3", "country": "country", "latitude": "latitude",
    "longitude": "longitude", "geo_precision": "geo_precision", "source": "source", "notes": "notes",
}

#: UCDP GED header -> field. Dates come from date_start/date_end, types from type_of_violence.
UCDP_COLUMNS: dict[str, str] = {
    "id": "event_id", "side_a": "actor1", "side_b": "actor2", "best": "fatalities",
    "where_coordinates": "location", "adm_1": "admin1", "adm_2": "admin2", "country": "country",
    "latitude": "latitude", "longitude": "longitude", "where_prec": "where_prec",
    "source_article": "source", "source_headline": "source_quote", "where_description": "notes",
}

_ACLED_MARKERS = {"event_id_cnty", "geo_precision", "time_precision", "sub_event_type"}
_UCDP_MARKERS = {"where_prec", "side_a", "side_b", "date_start", "type_of_violence"}
_LOOKUP = {alias: field for field, aliases in ALIASES.items() for alias in aliases}
_SEPARATORS = re.compile(r"[_\-./]+")
#: What qualifies a header's head word: "fecha [del hecho]", "lugar [del ataque]", "date [of the attack]".
_QUALIFIER = re.compile(r"\s+(?:del|de la|de los|de las|de|en|of the|of|for|in)\s+")


def _header_key(header: str) -> str:
    return fold(_SEPARATORS.sub(" ", str(header)))


def sniff_format(columns: Iterable[str]) -> str:
    """Tell an ACLED export, a UCDP GED export and any other table apart.

    Returns
    -------
    str
        ``"acled"``, ``"ucdp"`` or ``"table"``.
    """
    names = {str(c).strip().lower() for c in columns}
    if _ACLED_MARKERS <= names:
        return "acled"
    if _UCDP_MARKERS <= names:
        return "ucdp"
    return "table"


def parse_mapping(items: Iterable[str] | Mapping[str, str] | None) -> dict[str, str]:
    """Read ``column=field`` pairs (from the command line) into a mapping.

    Raises
    ------
    InvalidInputError
        When an item has no ``=`` or names a field the schema does not have.
    """
    if items is None:
        return {}
    if isinstance(items, Mapping):
        pairs = list(items.items())
    else:
        pairs = []
        for item in items:
            column, sep, field = str(item).rpartition("=")
            if not sep or not column.strip() or not field.strip():
                raise InvalidInputError(f"mapping {item!r} is not of the form column=field")
            pairs.append((column.strip(), field.strip()))
    out = {}
    for column, field in pairs:
        if field not in INPUT_FIELDS:
            raise InvalidInputError(
                f"mapping {column!r} -> {field!r}: {field!r} is not an event field; "
                f"fields are {', '.join(INPUT_FIELDS)}")
        out[str(column)] = field
    return out


def detect_columns(columns: Iterable[str], mapping: Mapping[str, str] | None = None) -> dict[str, str]:
    """Map input columns to event fields.

    Parameters
    ----------
    columns : iterable of str
        The input's headers, in order.
    mapping : mapping of str to str, optional
        ``{input column: field}`` pairs that override detection.

    Returns
    -------
    dict
        ``{field: input column}``; a field appears once, from the first
        column that names it. Unrecognised columns are left out.

    Raises
    ------
    InvalidInputError
        When the mapping names a column the input does not have.

    Examples
    --------
    >>> detect_columns(["Fecha", "Lugar", "Departamento", "Muertos"])
    {'event_date': 'Fecha', 'location': 'Lugar', 'admin1': 'Departamento', 'fatalities': 'Muertos'}
    """
    columns = [str(c) for c in columns]
    mapping = parse_mapping(mapping)
    missing = [c for c in mapping if c not in columns]
    if missing:
        raise InvalidInputError(
            f"mapping names column(s) {', '.join(map(repr, missing))} that the input does not have; "
            f"its columns are {', '.join(map(repr, columns))}")
    found: dict[str, str] = {field: column for column, field in mapping.items()}
    for column in columns:
        if column in mapping:
            continue
        field = _field_of(column)
        if field is not None and field not in found:
            found[field] = column
    return found


def unrecognised_columns(columns: Iterable[str], found: Mapping[str, str]) -> list[str]:
    """The input columns :func:`detect_columns` did not map to any field, in order."""
    used = set(found.values())
    return [str(c) for c in columns if str(c) not in used]


def _field_of(column: str) -> str | None:
    """The field a header names: its alias, else the head of "X del Y" ("Fecha del hecho", "Lugar del ataque")."""
    key = _header_key(column)
    field = _LOOKUP.get(key) or _LOOKUP.get(key.replace(" ", ""))
    if field is None and key.replace(" ", "_") in INPUT_FIELDS:
        field = key.replace(" ", "_")
    if field is None:
        head = _QUALIFIER.split(key, maxsplit=1)[0].strip()
        if head != key:
            field = _LOOKUP.get(head)
    return field
