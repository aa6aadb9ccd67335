"""`hamyar serve`: the Litestar app under uvicorn."""

from __future__ import annotations

import typer

from hamyar.core.cli import fail


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
        workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
        proxy_headers: bool = typer.Option(
            True, help="Trust X-Forwarded-Proto/For from --forwarded-allow-ips (HTTPS cookies)."
        ),
        forwarded_allow_ips: str = typer.Option("127.0.0.1", "--forwarded-allow-ips"),
    ) -> None:
        """The web app and JSON API (uvicorn); state lives in the database and Redis, so run
        as many of these as you like behind a proxy."""
        import socket

        import uvicorn

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
            proxy_headers=proxy_headers,
            forwarded_allow_ips=forwarded_allow_ips,
            log_level="info",
        )
