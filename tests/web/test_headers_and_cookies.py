"""Every page refuses framing and inline code; session cookies are Secure whenever the page came over HTTPS."""

from fastapi.testclient import TestClient

from tests.support.app import PASSWORD, form_csrf


def test_every_response_carries_the_security_headers(bare_app):
    client, _ = bare_app
    for path in ("/", "/console/login", "/admin/login", "/healthz", "/api/v1/nonexistent"):
        headers = client.get(path).headers
        assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "'unsafe-inline'" not in headers["content-security-policy"], path


def test_pages_have_no_inline_scripts_or_styles(bare_app, accounts):
    client, _ = bare_app
    for path in ("/", "/console/login", "/admin/login"):
        html = client.get(path).text
        assert "<script>" not in html and " style=" not in html and "onclick=" not in html, path


def test_session_cookies_are_secure_over_https_and_not_on_plain_http(bare_app, accounts):
    _, app = bare_app
    for base, secure in (("https://union.example", True), ("http://127.0.0.1", False)):
        client = TestClient(app, base_url=base)
        client.portal = app.state.test_portal
        page = client.get("/console/login")
        response = client.post(
            "/console/login",
            data={"username": "lawyer_li", "password": PASSWORD, "csrf": form_csrf(page.text)},
            follow_redirects=False,
        )
        assert response.status_code == 303
        cookies = [c for c in response.headers.get_list("set-cookie") if "max-age=0" not in c.lower()]
        assert cookies and all(("; secure" in c.lower()) == secure for c in cookies), cookies
