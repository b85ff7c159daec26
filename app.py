"""The Dash application: `create_app(settings)`, and module-level `app`/`server` for gunicorn."""

from __future__ import annotations

from datetime import date

from dash import Dash
from flask_wtf.csrf import generate_csrf

from auth.access import NoAccess, current_account, current_scope
from auth.outage import install_outage_answer
from auth.scope import restricted_notice
from auth.setup import init_auth
from callbacks import bench_noop, register_all
from callbacks.explorer_state import initial_controls, territory_bounds
from compression import install_gzip
from config import Settings, load_settings
from data.store.store import Store
from layouts.shell import Account, layout_function
from layouts.views import views_open_to
from page_assets import install_asset_caching, install_page_scripts
from routes.geodata import register_geodata_routes


def create_app(settings: Settings) -> Dash:
    store = Store(settings.data_dir)
    app = Dash(
        __name__,
        title="Atlas du logement social",
        serve_locally=True,
        update_title=None,
        # The views' own components (layouts/views.py) exist only once their view is drawn.
        suppress_callback_exceptions=True,
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="fr">', 1)
    app.server.config["ATLAS_STORE"] = store
    init_auth(app, settings)
    install_outage_answer(app.server)

    @app.server.get("/healthz")
    def healthz() -> tuple[dict[str, str], dict[str, str]]:
        # Which warehouse build this process serves (its time): all instances of a
        # deployment should name the same one (deploy/README.md).
        return {"status": "ok"}, {"X-Atlas-Warehouse": str(store.manifest.get("built_at", ""))}

    geodata_urls = register_geodata_routes(app, store)
    app.layout = layout_function(
        account=_account,
        controls=lambda: initial_controls(store),
        demo=store.is_demo,
        tile_url=settings.tile_url,
        attribution=settings.tile_attribution,
        bounds=territory_bounds(store),
        logout_href=app.get_relative_path("/logout"),
        admin_href=app.get_relative_path("/admin"),
        password_href=app.get_relative_path("/password"),
        bench_hooks=settings.bench_hooks,
        prefix=app.config.requests_pathname_prefix,
    )
    register_all(app, store, geodata_urls)
    if settings.bench_hooks:
        bench_noop.register(app)
    prefix = app.config.routes_pathname_prefix
    install_gzip(app.server, (f"{prefix}_dash-component-suites/", f"{prefix}assets/"))
    install_page_scripts(app)
    install_asset_caching(app.server, f"{prefix}assets/", f"{prefix}_dash-component-suites/")
    # Dash completes its set-up during the first request it serves; a cold gunicorn worker
    # with several threads could meanwhile serve component files and fail ("not a
    # registered library"). One request now makes every worker ready before it listens.
    app.server.test_client().get("/healthz")
    return app


def _account() -> Account | None:
    """The logged-in user as the page shows them, None outside a logged-in request."""
    try:
        scope = current_scope()
    except NoAccess:
        return None
    return Account(
        partner=scope.partner_name,
        convention=scope.convention_number,
        notice=restricted_notice(scope, date.today()),
        is_admin=current_account().is_admin,
        csrf_token=generate_csrf(),
        views=tuple(views_open_to(scope.granted_themes())),
    )


app = create_app(load_settings())
server = app.server
