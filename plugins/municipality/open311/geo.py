"""Plane geometry on WGS84 points, enough to place a report in a neighbourhood.

Neighbourhoods are a few kilometres across, so a ray cast on raw longitude/latitude is exact
enough for containment, and the haversine distance is exact enough for "nearest centre". No
GEOS/shapely: the whole job is two small, tested functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088
"""The mean Earth radius (IUGG)."""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlambda = phi2 - phi1, radians(lon2 - lon1)
    h = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def point_in_polygon(lon: float, lat: float, polygon: Sequence[Sequence[float]]) -> bool:
    """Whether (lon, lat) lies inside `polygon`, a ring of [lon, lat] vertices.

    Even-odd ray casting: count how many edges a ray going east from the point crosses. The
    ring may or may not repeat its first vertex; fewer than three vertices contain nothing.
    A point exactly on an edge may fall either side, which for a citizen's tap on a map is
    as good as any rule (the neighbour will route it just the same).
    """
    ring = [(float(p[0]), float(p[1])) for p in polygon]
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    if len(ring) < 3:
        return False
    inside = False
    x, y = lon, lat
    j = len(ring) - 1
    for i, (xi, yi) in enumerate(ring):
        xj, yj = ring[j]
        if (yi > y) != (yj > y):
            crossing = xi + (y - yi) * (xj - xi) / (yj - yi)
            if x < crossing:
                inside = not inside
        j = i
    return inside


def valid_point(lat: float, lon: float) -> bool:
    """Inside the WGS84 range (and not NaN, which fails every comparison)."""
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0
