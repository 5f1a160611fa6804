"""The API's schema and its documentation page: served from our own static files, under the
site's strict Content Security Policy."""

import pytest
import yaml


def test_the_schema_describes_every_operation_with_its_scope(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    flows = schema["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "/api/oauth/token/"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert len(operation["security"]) == 1, (method, path)
            assert "429" in operation["responses"], (method, path)


def test_the_docs_page_uses_no_inline_script_or_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "<style>" not in html
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.browser
def test_the_docs_render_in_chromium_without_csp_violations(page, live_server):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_text("/api/v1/ledger/").first.wait_for(timeout=15000)
    assert page.get_by_role("button", name="Authorize").is_visible()
    assert refused == []
