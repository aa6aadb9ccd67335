"""Errors the engine raises for callers to translate (HTTP status, CLI exit code).

Each carries the HTTP status the web layer answers with, so that mapping lives in one place.
"""


class HamyarError(Exception):
    status_code = 400


class NotFound(HamyarError):
    status_code = 404


class GuardRefused(HamyarError):
    """The actor may not take this transition (role, permission or condition)."""

    status_code = 403


class StaleVersion(HamyarError):
    """Someone else changed the object first; reload and decide again."""

    status_code = 409


class TransitionNotAvailable(HamyarError):
    """The transition does not leave the object's current state."""

    status_code = 422


class CommentRequired(HamyarError):
    status_code = 422


class InvalidInput(HamyarError):
    status_code = 422

    def __init__(self, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class AutomaticCycle(HamyarError):
    """Automatic transitions kept firing: the workflow definition has a loop."""

    status_code = 500


class NotAuthenticated(HamyarError):
    """No valid credentials came with the request."""

    status_code = 401


class TooManyAttempts(HamyarError):
    """Too many failed logins lately, for this username or this address: wait `retry_after`
    seconds (sent as the Retry-After header)."""

    status_code = 429

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnsupportedMedia(InvalidInput):
    """An upload that is not, by its content, a photo or a PDF document."""

    status_code = 415


class MediaTooLarge(InvalidInput):
    """An upload larger than the configured cap (HAMYAR_MEDIA_MAX_BYTES)."""

    status_code = 413
