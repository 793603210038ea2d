"""Signing in and out, who is signed in, and refusing what they may not do (CSRF on every form)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from archive import accounts, store
from archive.accounts import User
from archive.web.db import get_engine

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()
# Guessing passwords is slowed per address; the storage is this process's memory.
limiter = Limiter(get_remote_address, storage_uri="memory://", default_limits=[])


def current_user() -> User | None:
    """Return the signed-in user of this request (looked up once), or None."""
    if "user" not in g:
        name = session.get("user")
        with get_engine().connect() as conn:
            g.user = accounts.load_user(conn, name) if isinstance(name, str) else None
    return g.user


def require(action: str, target: str = "") -> User:
    """Return the signed-in user if they may do action on target; else stop with 403 (or 401 to sign in)."""
    user = current_user()
    if user is None:
        abort(401, description="Sign in to do this.")
    if not accounts.may(user, action, target):
        abort(403, description="Your account may not do this.")
    return user


def _safe_next(target: str | None) -> str:
    """Return where to go after signing in: a path on this site only, never another site."""
    if not target or urlsplit(target).netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("lists.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: str(current_app.config["LOGIN_LIMIT"]), methods=["POST"])
def login() -> Response:
    """Show the sign-in form, or sign in with a name and password."""
    if request.method == "GET":
        return Response(render_template("auth/login.html", error=None, next=request.args.get("next", "")))
    name, password = request.form.get("name", "")[:100], request.form.get("password", "")[:200]
    with get_engine().connect() as conn:
        user = accounts.authenticate(conn, name, password)
    if user is None:
        page = render_template("auth/login.html", error="That name and password do not match.", next=request.form.get("next"))
        return Response(page, status=401)
    session.clear()  # a fresh session: nothing from before signing in carries over
    session["user"] = user.name
    session.permanent = True
    with get_engine().begin() as conn:
        store.add_audit(conn, user.name, "sign in", user.name)
    return redirect(_safe_next(request.form.get("next")), code=303)  # type: ignore[return-value]


@bp.post("/logout")
def logout() -> Response:
    """Sign out."""
    session.clear()
    return redirect(url_for("lists.index"), code=303)  # type: ignore[return-value]


def _hide_private() -> None:
    """Hide from every read of this request the private lists and series its reader may not see."""
    if request.endpoint == "static":
        return
    with get_engine().connect() as conn:
        private = store.private_names(conn)
    user = current_user()
    hidden = [(kind, name) for kind, name in private if not accounts.may(user, "read-list", name)]
    g.hidden_token = store.set_hidden([n for k, n in hidden if k == "list"], [n for k, n in hidden if k == "series"])


def _stop_hiding(_error: BaseException | None) -> None:
    """End this request's hiding."""
    token = g.pop("hidden_token", None)
    if token is not None:
        store.reset_hidden(token)


def revealed() -> AbstractContextManager[None]:
    """Return a block in which nothing is hidden: a change (publishing, marking, removing) must see everything
    it rewrites, whoever makes it."""
    return store.hiding((), ())


def init_app(app: Flask) -> None:
    """Protect every form against cross-site requests, limit sign-ins, hide what is private, register the pages."""
    csrf.init_app(app)
    limiter.init_app(app)
    app.before_request(_hide_private)
    app.teardown_request(_stop_hiding)
    app.register_blueprint(bp)
    app.context_processor(lambda: {"signed_in": current_user(), "may": accounts.may})
