"""Placing a report: ray-casting containment, haversine distance, and the neighbourhood lookup."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from hamyar.core.storage.models import Neighbourhood
from hamyar.plugins.municipality.open311.geo import haversine_km, point_in_polygon, valid_point
from hamyar.plugins.municipality.open311.location import by_address, by_point, locate

SQUARE = [[0, 0], [10, 0], [10, 10], [0, 10]]
U_SHAPE = [[0, 0], [9, 0], [9, 9], [6, 9], [6, 3], [3, 3], [3, 9], [0, 9], [0, 0]]


def test_haversine_matches_known_distances() -> None:
    # Tehran (Azadi Tower) to Isfahan (Naqsh-e Jahan): about 340 km as the crow flies
    assert haversine_km(35.6997, 51.3380, 32.6575, 51.6776) == pytest.approx(339.6, abs=2)
    # one degree of latitude is about 111.2 km everywhere
    assert haversine_km(10, 20, 11, 20) == pytest.approx(111.19, abs=0.05)
    assert haversine_km(35.7, 51.4, 35.7, 51.4) == 0
    # antipodes: half the circumference, without a math domain error
    assert haversine_km(0, 0, 0, 180) == pytest.approx(20015.1, abs=1)


@pytest.mark.parametrize(
    ("point", "inside"),
    [
        ((5, 5), True),
        ((0.001, 9.999), True),
        ((-1, 5), False),
        ((11, 5), False),
        ((5, 10.5), False),
        ((5, -0.5), False),
    ],
)
def test_point_in_a_square(point: tuple[float, float], inside: bool) -> None:
    assert point_in_polygon(*point, SQUARE) is inside


@pytest.mark.parametrize(
    ("point", "inside"),
    [
        ((1.5, 8), True),
        ((7.5, 8), True),
        ((4.5, 8), False),
        ((4.5, 1.5), True),
    ],
)
def test_point_in_a_concave_polygon(point: tuple[float, float], inside: bool) -> None:
    """The notch of a U is outside it, although it lies within the U's bounding box."""
    assert point_in_polygon(*point, U_SHAPE) is inside


def test_closed_and_open_rings_agree_and_degenerate_rings_hold_nothing() -> None:
    assert point_in_polygon(5, 5, [*SQUARE, SQUARE[0]]) is True
    assert point_in_polygon(0.5, 0.5, [[0, 0], [1, 1]]) is False
    assert point_in_polygon(0, 0, []) is False


def test_valid_point_rejects_out_of_range_and_nan() -> None:
    assert valid_point(35.7, 51.4) and valid_point(-90, 180)
    assert not valid_point(91, 0) and not valid_point(0, -181)
    assert not valid_point(float("nan"), 0)


def test_a_point_inside_a_boundary_beats_a_nearer_centre(
    session: Session, world: dict[str, Any]
) -> None:
    world["centre"].lat, world["centre"].lon = 35.611, 51.411  # a centre inside the square
    session.add(world["centre"])
    session.flush()
    assert by_point(session, 35.61, 51.41) == world["square"]


def test_without_a_boundary_the_nearest_centre_wins_within_reach(
    session: Session, world: dict[str, Any]
) -> None:
    assert by_point(session, 35.74, 51.36) == world["centre"]
    assert by_point(session, 36.5, 51.36) is None  # ~83 km away: not on our map


@pytest.mark.parametrize(
    "address",
    [
        "تهران، خیابان هفده شهریور، نازی‌آباد",
        "نازي آباد كوچه ۳",  # Arabic yeh and kaf, no ZWNJ
        "نازیآباد",  # written solid
        "Naziabad, Tehran",
    ],
)
def test_an_address_finds_its_neighbourhood_however_it_is_typed(
    session: Session, world: dict[str, Any], address: str
) -> None:
    assert by_address(session, address) == world["square"]


def test_the_longest_name_wins_and_names_never_match_inside_words(
    session: Session, world: dict[str, Any]
) -> None:
    west = Neighbourhood(
        code="n-west", county_id=world["square"].county_id, name_fa="غرب", name_en="West"
    )
    session.add(west)
    session.flush()
    assert by_address(session, "بلوار دریا، شهرک غرب") == world["centre"]
    assert by_address(session, "محله غرب") == west
    assert by_address(session, "بازار غربال‌بندها") is None


def test_locate_prefers_address_id_then_point_then_address(
    session: Session, world: dict[str, Any]
) -> None:
    square, centre = world["square"], world["centre"]
    assert locate(session, address_id="n-centre", lat=35.61, lon=51.41) == centre
    assert locate(session, lat=35.61, lon=51.41, address="شهرک غرب") == square
    assert locate(session, address_id="unknown", address="شهرک غرب") == centre
    assert locate(session) is None
