"""CORS of the widget API: configured origins only, preflight answered, others get no CORS header."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.gateway import create_app
from bot.settings import Settings
from tests.web.gateway import offline_settings

PORTAL = "https://xa-yenhoa.sonlam.gov.vn"
PROVINCE = "https://sonlam.gov.vn"
STRANGER = "https://lua-dao.example"


@pytest.fixture()
def client(tmp_path) -> Iterator[TestClient]:
    # Rasa is never reached: nothing listens on this port (the tests below use refused requests).
    settings = offline_settings(tmp_path, widget_allowed_origins=f" {PORTAL}/, {PROVINCE.upper()} ,")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def preflight(client: TestClient, origin: str, method: str = "POST", headers: str = "content-type",
              path: str = "/api/chat"):
    return client.options(
        path,
        headers={"origin": origin, "access-control-request-method": method, "access-control-request-headers": headers},
    )


def test_origins_setting_is_normalised():
    settings = Settings(widget_allowed_origins=f" {PORTAL}/, {PROVINCE.upper()} ,")
    assert settings.widget_origins == [PORTAL, PROVINCE]


def test_default_origin_is_the_gateway_itself():
    settings = Settings(gateway_host="127.0.0.1", gateway_port=8123)
    assert settings.widget_origins == ["http://127.0.0.1:8123"]


@pytest.mark.parametrize("origin", [PORTAL, PROVINCE])
def test_allowed_origin_gets_its_origin_back_even_on_errors(client: TestClient, origin: str):
    response = client.post("/api/chat", json={"session_id": "w-abc", "text": " "}, headers={"origin": origin})
    assert response.status_code == 422  # refused: the page can still read the Vietnamese reason
    assert response.headers["access-control-allow-origin"] == origin
    assert "Origin" in response.headers["vary"]
    assert "chưa nhập" in response.json()["error"]


def test_disallowed_origin_gets_no_cors_headers(client: TestClient):
    response = client.post("/api/chat", json={"session_id": "w-abc", "text": "xin chào"}, headers={"origin": STRANGER})
    assert "access-control-allow-origin" not in response.headers
    assert "Origin" in response.headers["vary"]


def test_validation_is_unchanged_behind_cors(client: TestClient):
    response = client.post("/api/chat", content=b"{", headers={"origin": PORTAL, "content-type": "application/json"})
    assert response.status_code == 400
    assert response.headers["access-control-allow-origin"] == PORTAL
    assert "JSON" in response.json()["error"]


def test_preflight_from_allowed_origin(client: TestClient):
    response = preflight(client, PORTAL)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == PORTAL
    assert {m.strip() for m in response.headers["access-control-allow-methods"].split(",")} == {"GET", "POST"}
    assert "content-type" in response.headers["access-control-allow-headers"]
    assert int(response.headers["access-control-max-age"]) > 0


def test_preflight_for_the_event_stream(client: TestClient):
    response = preflight(client, PROVINCE, method="GET", headers="last-event-id", path="/api/events")
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == PROVINCE


def test_preflight_from_disallowed_origin_is_refused_without_cors_headers(client: TestClient):
    response = preflight(client, STRANGER)
    assert response.status_code == 403
    assert not [name for name in response.headers if name.startswith("access-control-")]
    assert "chưa được phép" in response.json()["error"]


@pytest.mark.parametrize(("method", "headers"), [("DELETE", "content-type"), ("POST", "authorization")])
def test_preflight_for_unsupported_method_or_header_is_refused(client: TestClient, method: str, headers: str):
    response = preflight(client, PORTAL, method=method, headers=headers)
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers


def test_other_paths_get_no_cors_headers(client: TestClient):
    response = client.get("/healthz", headers={"origin": PORTAL})
    assert "access-control-allow-origin" not in response.headers
