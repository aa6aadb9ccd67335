"""Open311 GeoReport v2 intake: citizen reports from existing 137/311 apps become cases.

Contributed to the web app through the municipality plugin's `register_routes` hook
(`register(make_router())`), never wired into core. Importing this package registers its
tables (client applications and their submissions) on SQLModel's metadata.
"""

from hamyar.plugins.municipality.open311.clients import DEMO_KEY, ensure_demo_client
from hamyar.plugins.municipality.open311.models import Open311Client, Open311Submission
from hamyar.plugins.municipality.open311.routes import PREFIX, make_router

__all__ = [
    "DEMO_KEY",
    "PREFIX",
    "Open311Client",
    "Open311Submission",
    "ensure_demo_client",
    "make_router",
]
