"""Every route of the app against every kind of visitor: a worker in the web chat, a lawyer, a staff member,
an admin, and someone anonymous. A route a visitor may not use answers 401/403 or sends them to a login
page; a page they may use opens. New routes are found by walking the app, so none is left out."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.support.app import PASSWORD, create_accounts, form_csrf, staff_login

ROLES = ("anonymous", "worker", "lawyer", "staff", "admin")
# /metrics is open on loopback unless LABORBOT_METRICS_TOKEN is set (tests/api/test_observability.py).
PUBLIC = re.compile(r"^/(healthz|metrics|console/login|admin/login|api/v1/auth/token|wechat|api/webchat/.*)?$")
LOGOUT = re.compile(r"^/(console|admin)/logout$")
ACCESS = [  # (path pattern, roles that may use it)
    (re.compile(r"^/console(/.*)?$"), {"lawyer", "admin"}),
    (re.compile(r"^/admin(/.*)?$"), {"staff", "admin"}),
    (re.compile(r"^/api/v1/ask$"), {"lawyer", "staff", "admin"}),
]
USERS = {"lawyer": "lawyer_li", "staff": "staff_sun", "admin": "admin_zhao"}
PATH_VALUES = {"case_id": "1", "job_id": "1", "law": "劳动合同法", "article": "47"}


def routes(app) -> list[tuple[str, str]]:
    def walk(items, prefix=""):
        for route in items:
            if isinstance(route, APIRoute):
                for method in sorted(route.methods):
                    yield method, prefix + route.path
            elif hasattr(route, "original_router"):
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)

    return sorted(set(walk(app.routes)))


def allowed(path: str) -> set[str]:
    if PUBLIC.match(path):
        return set(ROLES)
    return next(roles for pattern, roles in ACCESS if pattern.match(path))


@pytest.fixture
def visitors(app_client):
    client, app = app_client
    create_accounts(app)
    worker = TestClient(app)
    worker.portal = app.state.test_portal
    worker.get("/")  # the web chat gives the visitor an identity cookie
    clients = {"anonymous": _fresh(app), "worker": worker}
    for role, username in USERS.items():
        area = "admin" if role == "staff" else "console"
        browser, response = staff_login(app, area, username)
        assert response.status_code == 303, (role, response.text)
        if role == "admin":  # an admin uses both areas
            staff_login_into(browser, "admin", username)
        token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
        browser.headers["Authorization"] = f"Bearer {token['access_token']}"
        clients[role] = browser
    return app, clients


def _fresh(app) -> TestClient:
    client = TestClient(app)
    client.portal = app.state.test_portal
    return client


def staff_login_into(browser: TestClient, area: str, username: str) -> None:
    page = browser.get(f"/{area}/login")
    browser.post(f"/{area}/login", data={"username": username, "password": PASSWORD, "csrf": form_csrf(page.text)})


def _denied(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code in (302, 303, 307) and "/login" in response.headers.get("location", "")


def test_every_route_is_covered_by_the_access_table(bare_app):
    _, app = bare_app
    for _, path in routes(app):
        assert PUBLIC.match(path) or LOGOUT.match(path) or any(p.match(path) for p, _ in ACCESS), path


def test_every_route_opens_to_exactly_the_roles_that_may_use_it(visitors):
    app, clients = visitors
    checked = 0
    for method, path in routes(app):
        if PUBLIC.match(path) or LOGOUT.match(path):
            continue
        url = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)
        for role in ROLES:
            response = clients[role].request(method, url, follow_redirects=False)
            if role not in allowed(path):
                assert _denied(response), (role, method, path, response.status_code)
            elif method == "GET":
                assert not _denied(response) and response.status_code < 500, (role, path, response.status_code)
            else:  # allowed, but without the form's CSRF token nothing is done
                assert response.status_code != 500, (role, method, path)
            checked += 1
    assert checked > 150
