"""The web layer: a Litestar app with a JSON API, the server-rendered UI and plugin routes.

For the UI engineer and plugin authors — what this package promises:

- `core.web.app.create_app(*, plugins=None, engine=None, settings=None, route_handlers=(),
  debug=False) -> Litestar`. Mounts `/api` (controllers in `hamyar.core.web.api`), `/health`,
  `/metrics`, `/static` (from `core/web/static`), `/schema` (OpenAPI), `core.web.ui.ui_router()`
  when it exists, and every `register_routes` contribution. Templates: Jinja through
  `litestar.plugins.jinja`, from `core.web.ui.templating.template_config(dirs)` (plugin folders
  first, `core:` prefix for the core's own). The htmx plugin (`litestar.plugins.htmx`) is on.
  `app.state.engine`, `app.state.plugins` (Plugins: `.registry`, `.pm`), `app.state.settings`.
- Dependencies any handler may name (`hamyar.core.web.dependencies`): `db: Session` (one per
request,
  commit yourself), `plugins: Plugins`, `actor: Actor` (401 JSON when not logged in),
  `maybe_actor: Actor | None` (pages anyone may open). Annotate them with `DbDep`, `ActorDep`,
  `MaybeActorDep`, `PluginsDep` from there (validation skipped: msgspec cannot resolve the
  hints inside `Plugins`). GET sessions use SQLite deferred transactions (no write lock);
  handlers doing database work should be `sync_to_thread=True`.
- Visibility for pages: `hamyar.core.auth.access` (`visible_cases`, `get_case`, `case_access`,
  `require_writer`), listing/search `hamyar.core.cases.listing.list_cases`, worklists
  `hamyar.core.cases.worklists`,
  reports `hamyar.core.cases.reports`, JSON shapes `hamyar.core.web.representation`.
- Auth (`hamyar.core.web.auth`): `authenticate(db, username, password, address) -> User` (argon2,
  throttled: `TooManyAttempts` 429 / `NotAuthenticated` 401; commits the attempt),
  `login(request, user)` / `logout(request)` for the session cookie (`hamyar_session`,
  encrypted, HttpOnly, SameSite=Lax, Secure over HTTPS, 12 h), `actor_for(db, user) -> Actor`,
  `client_address(scope)`, `issue_token` / `revoke_token` for bearer tokens.
- CSRF (`hamyar.core.web.csrf`): every unsafe request authenticated by the cookie needs the token —
  forms `{{ csrf_input | safe }}` or `<input type="hidden" name="_csrf_token"
  value="{{ csrf_token() }}">`, htmx the `x-csrftoken` header. Bearer-token calls, and `/api/`
  calls carrying no session cookie, are exempt (they cannot be forged across sites). Routes that
  must accept cookie-less posts from elsewhere set `opt={"exclude_from_csrf": True}`.
- Errors (`hamyar.core.web.errors`): `hamyar.core.exceptions.HamyarError` and Litestar's exceptions
become
  JSON `{"status_code", "detail"[, "errors": [{field, message}]]}`. For browser page requests
  (`Accept: text/html`, not under /api) the UI may provide
  `core.web.ui.error_page(request, status_code, detail, errors) -> Response | None`.
"""
