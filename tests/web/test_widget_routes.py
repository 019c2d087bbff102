"""GET /widget.js and GET /demo: content types, caching, security headers, the embed tag."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from bot.conversation.topics import greeting_menu
from bot.web.chat_api import SESSION_ID_PATTERN
from bot.web.widget import GREETING_MARK, WIDGET_FILE


def test_widget_js_is_javascript_with_cache_headers(client: TestClient):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert re.fullmatch(r"public, max-age=\d+", response.headers["cache-control"])
    # the file as written, with the greeting's topics and example questions written in by the gateway
    menu = json.dumps(greeting_menu()).encode("ascii")
    assert response.content == WIDGET_FILE.read_bytes().replace(GREETING_MARK, menu)
    assert GREETING_MARK in WIDGET_FILE.read_bytes() and GREETING_MARK not in response.content


def test_widget_js_revalidates_with_etag(client: TestClient):
    etag = client.get("/widget.js").headers["etag"]
    not_modified = client.get("/widget.js", headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    changed = client.get("/widget.js", headers={"if-none-match": '"something-else"'})
    assert changed.status_code == 200 and changed.content


def test_widget_never_inserts_markup_from_strings():
    source = WIDGET_FILE.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source, sink


def test_widget_checks_stored_session_ids_with_the_chat_api_pattern():
    source = WIDGET_FILE.read_text(encoding="utf-8")
    js_pattern = re.search(r"var SESSION_PATTERN = /(.+)/;", source).group(1)
    assert js_pattern == SESSION_ID_PATTERN.pattern


def test_demo_embeds_the_widget_with_one_script_tag(client: TestClient):
    response = client.get("/demo")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert len(scripts) == 1
    assert 'src="/widget.js"' in scripts[0]
    assert 'data-position="right"' in scripts[0] and "data-title=" in scripts[0]
    assert "Cổng thông tin điện tử xã" in response.text


def test_demo_has_a_strict_content_security_policy(client: TestClient):
    first = client.get("/demo")
    policy = first.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    nonce = re.search(r"'nonce-([^']+)'", directives["style-src"]).group(1)
    assert f'<style nonce="{nonce}">' in first.text
    assert "unsafe-inline" not in policy
    assert first.headers["x-content-type-options"] == "nosniff"
    assert first.headers["x-frame-options"] == "DENY"
    second = client.get("/demo").headers["content-security-policy"]
    assert second != policy  # a fresh nonce for every page
