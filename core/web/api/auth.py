"""`/api/auth`: exchange a username and password for a bearer token; see and revoke it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from hamyar.core.application import accounts
from hamyar.core.auth.tokens import MAX_TOKEN_TTL, TOKEN_TTL
from hamyar.core.exceptions import InvalidInput
from hamyar.core.web.auth import bearer_token, client_address
from hamyar.core.web.dependencies import ActorDep, UowDep
from hamyar.core.web.limits import Int, Line


class TokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Line = msgspec.field()
    password: Line = msgspec.field()
    name: Line = ""
    """What the token is for ("welfare case system"); shown when listing tokens."""
    days: Int | None = None
    """Lifetime in days; 30 unless given, at most 365."""


class TokenResponse(msgspec.Struct):
    token: str
    token_type: str
    expires_at: datetime
    username: str


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]  # noqa: RUF012  (Litestar reads a plain list)

    @post("/token", status_code=HTTP_201_CREATED, sync_to_thread=True)
    def create_token(
        self, data: JSONBody[TokenRequest], uow: UowDep, request: Request[Any, Any, Any]
    ) -> TokenResponse:
        """A bearer token for `Authorization: Bearer <token>`; shown once, stored hashed."""
        ttl = TOKEN_TTL
        if data.days is not None:
            if not 1 <= data.days <= MAX_TOKEN_TTL.days:
                raise InvalidInput(
                    f"days must be 1..{MAX_TOKEN_TTL.days}",
                    [{"field": "days", "message": "out of range"}],
                )
            ttl = timedelta(days=data.days)
        user = accounts.log_in(uow, data.username, data.password, client_address(request.scope))
        raw, row = accounts.issue_token(uow, user, name=data.name, ttl=ttl)
        return TokenResponse(
            token=raw, token_type="bearer", expires_at=row.expires_at, username=user.username
        )

    @delete("/token", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def revoke(self, uow: UowDep, request: Request[Any, Any, Any], actor: ActorDep) -> None:
        """Revoke the token this request is authenticated with."""
        accounts.revoke_token(uow, bearer_token(request) or "")

    @get("/me", sync_to_thread=False)
    def me(self, actor: ActorDep) -> dict[str, Any]:
        """Who the credentials belong to, and the roles they hold where."""
        return {
            "username": actor.username,
            "global_roles": sorted(actor.global_roles),
            "agency_roles": {a: sorted(r) for a, r in sorted(actor.agency_roles.items())},
        }
