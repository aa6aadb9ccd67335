"""The web layer: a Litestar app with a JSON API, the server-rendered UI and plugin routes.

What this package promises to the UI's pages and to plugins' routes:

- `app.create_app(*, application=None, plugins=None, engine=None, settings=None,
  route_handlers=(), debug=False) -> Litestar` mounts `/api` (controllers in `api/`), `/health`,
  `/metrics`, `/static`, `/schema` (OpenAPI), the UI (`ui.ui_router()`) and every
  `register_routes` contribution, around one `Application` (`app.state.app`). Templates are
  Jinja through `litestar.plugins.jinja` (`ui.templating.template_config(dirs)`: plugin folders
  first, `core:` for the core's own); the htmx plugin is on.
- Handlers translate HTTP into commands and back, and hold no business rule. Dependencies any
  handler may name (`dependencies`): `uow` (a unit of work on the request's session: pass it to
  a command, which commits), `db` (the request's session, for reading; GET requests read
  without SQLite's write lock), `app`, `plugins`, `actor` (401 when not signed in) and
  `maybe_actor`. Annotate them with `UowDep`, `DbDep`, `AppDep`, `PluginsDep`, `ActorDep`,
  `MaybeActorDep`. Database work runs with `sync_to_thread=True`.
- Who may see what is `hamyar.core.auth.access`, the one place that decides it, for every list,
  page and command; JSON shapes are `representation`.
- Signing in (`auth`, and the commands in `hamyar.core.application.accounts`): bearer tokens for
  systems, an encrypted session cookie (`hamyar_session`, HttpOnly, SameSite=Lax, Secure over
  HTTPS, 12 h) for people.
- CSRF (`csrf`): every unsafe request authenticated by the cookie needs the token — forms
  `{{ csrf_input | safe }}`, htmx the `x-csrftoken` header. Bearer-token calls, and `/api/`
  calls carrying no session cookie, are exempt (they cannot be forged across sites). Routes that
  must accept cookie-less posts from elsewhere set `opt={"exclude_from_csrf": True}`.
- Errors (`errors`): `HamyarError` and Litestar's exceptions become JSON
  `{"status_code", "detail"[, "errors": [{field, message}]]}`, or the UI's error page for a
  browser's page request.
"""
