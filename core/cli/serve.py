"""`hamyar serve`: the Litestar app under uvicorn."""

from __future__ import annotations

from typing import Any

import typer

from hamyar.core.cli import fail


def uvicorn_proxy_options(proxies: str) -> dict[str, Any]:
    """X-Forwarded-For/-Proto are believed only from the proxies named: uvicorn's own default
    (127.0.0.1) would let anyone on the machine choose their address for the login throttle."""
    if not proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": proxies}


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
        workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
        forwarded_allow_ips: str = typer.Option(
            "",
            "--forwarded-allow-ips",
            help="Proxies (IPs/CIDRs, comma-separated) whose X-Forwarded-For/-Proto are "
            "believed; default HAMYAR_TRUSTED_PROXIES, empty = none.",
        ),
    ) -> None:
        """The web app and JSON API (uvicorn); state lives in the database and Redis, so run
        as many of these as you like behind a proxy."""
        import socket

        import uvicorn

        from hamyar.core.storage.settings import get_settings

        try:
            proxies = forwarded_allow_ips or ",".join(get_settings().trusted_proxy_list)
        except ValueError as exc:
            raise fail(str(exc).splitlines()[-1]) from None

        try:
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((host, port))
        except OSError as exc:
            message = f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port"
            raise fail(message) from None
        uvicorn.run(
            "hamyar.core.web.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            **uvicorn_proxy_options(proxies),
            log_level="info",
        )
