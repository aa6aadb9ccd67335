"""The fa/en switch on every page: remember the choice in a cookie and go back."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect

from hamyar.core.i18n import LOCALES
from hamyar.core.web.ui.page import LOCALE_COOKIE

ONE_YEAR = 365 * 24 * 3600


def safe_next(target: str | None) -> str:
    """A path on this site; anything else (another host, a scheme) becomes the home page."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@get("/locale/{language:str}", name="ui:locale")
async def switch_locale(
    language: FromPath[str],
    next_url: Annotated[str, QueryParameter(name="next")] = "/",
) -> Redirect:
    if language not in LOCALES:
        raise NotFoundException(f"no locale {language!r}; use one of {', '.join(LOCALES)}")
    response = Redirect(safe_next(next_url), status_code=303)
    response.set_cookie(
        LOCALE_COOKIE, language, max_age=ONE_YEAR, path="/", httponly=True, samesite="lax"
    )
    return response
