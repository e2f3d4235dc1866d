"""The event schema: the columns of every events GeoDataFrame.

Readers produce it, the geocoder fills it, exports write it and maps read it.
Column names follow ACLED's where ACLED has one, so analysts recognise them.
"""

from __future__ import annotations

__all__ = ["EVENT_COLUMNS", "STATUSES", "DATE_PRECISIONS", "CRS"]

#: Every events frame is in WGS 84 longitude/latitude.
CRS = "EPSG:4326"

#: Column name -> (pandas dtype, description).
EVENT_COLUMNS: dict[str, tuple[str, str]] = {
    "event_id": ("string", "Identifier from the input, or generated (row number)"),
    "event_date": ("datetime64[ns]", "Date of the event (first day of the period when imprecise)"),
    "date_precision": ("string", "day, month or year"),
    "event_type": ("string", "ACLED event type (Battles, Explosions/Remote violence, Violence against civilians, ...)"),
    "sub_event_type": ("string", "ACLED sub-event type (Armed clash, Attack, Abduction/forced disappearance, ...)"),
    "actor1": ("string", "First actor (ACLED actor1 / UCDP side_a)"),
    "actor2": ("string", "Second actor (ACLED actor2 / UCDP side_b)"),
    "fatalities": ("Int64", "Reported fatalities (nullable)"),
    "location": ("string", "The location text exactly as written in the input"),
    "admin1": ("string", "Department (first-order unit)"),
    "admin1_code": ("string", "UBIGEO DD in Peru"),
    "admin2": ("string", "Province (second-order unit)"),
    "admin2_code": ("string", "UBIGEO DDPP in Peru"),
    "admin3": ("string", "District (third-order unit)"),
    "admin3_code": ("string", "UBIGEO DDPPdd in Peru"),
    "country": ("string", "ISO 3166-1 alpha-2 code"),
    "latitude": ("float64", "WGS 84 latitude"),
    "longitude": ("float64", "WGS 84 longitude"),
    "precision": ("string", "gazetteer.Precision value: point, near, district, ..."),
    "geo_precision": ("Int64", "ACLED geo_precision 1-3"),
    "where_prec": ("Int64", "UCDP where_prec 1-7"),
    "place_id": ("string", "Id of the matched gazetteer place"),
    "confidence": ("float64", "0-1 confidence of the location"),
    "candidates": ("string", "When ambiguous: the places the name could be, "
                             "'Name [kind] (district, province, department) [id]; ...'"),
    "source": ("string", "Outlet or citation"),
    "source_url": ("string", "URL of the source"),
    "source_quote": ("string", "The sentence or passage the event comes from"),
    "notes": ("string", "Free text"),
    "status": ("string", "ok, ambiguous, unresolved or invalid"),
    "reason": ("string", "Why the status is not ok (empty when ok)"),
}

STATUSES = ("ok", "ambiguous", "unresolved", "invalid")
DATE_PRECISIONS = ("day", "month", "year")
