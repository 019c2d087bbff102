"""The deployment recipe (`deploy/`): the Compose file has every process with a health check, the settings it
passes exist, each Rasa replica calls its own action server, and nginx spreads the load over both gateways.
(Docker itself is not run here.)"""

from __future__ import annotations

import re
import subprocess
from typing import Any

import yaml

from bot.cli import build_parser
from bot.rasa_endpoints import ACTION_ENDPOINT_VARIABLE
from bot.settings import PROJECT_ROOT, Settings

DEPLOY = PROJECT_ROOT / "deploy"
PROCESS_ENV = {ACTION_ENDPOINT_VARIABLE, "SANIC_HOST"}
"""Variables read by a process itself rather than by the settings (Rasa's action endpoint, rasa-sdk's host)."""
ONE_SHOT = {"migrate", "rasa-endpoints"}


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    return loaded


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def test_every_process_of_the_recipe_is_there():
    assert set(services()) == {"postgres", "redis", "migrate", "rasa-endpoints", "rasa1", "rasa2", "actions1",
                               "actions2", "gateway1", "gateway2", "telegram", "nginx"}


def test_every_long_running_service_has_a_health_check_and_restarts():
    for name, service in services().items():
        if name in ONE_SHOT:
            assert service["restart"] == "no", name
            continue
        assert service["healthcheck"]["test"][0] == "CMD", name
        assert service["restart"] == "unless-stopped", name


def test_the_app_services_pass_only_real_settings():
    settings = {name.upper() for name in Settings.model_fields}
    for name, service in services().items():
        if service.get("image") != "trolyso:latest":
            continue
        unknown = set(service["environment"]) - settings - PROCESS_ENV
        assert unknown == set(), name
        assert "var:/srv/trolyso/var" in service["volumes"] and "knowledge:/srv/trolyso/knowledge" in service["volumes"]


def test_replicas_and_stores_are_wired():
    found = services()
    environment = found["gateway1"]["environment"]
    chosen = Settings(_env_file=None, database_url="sqlite:////tmp/x.db",  # type: ignore[call-arg]
                      rasa_url=environment["RASA_URL"])
    assert chosen.rasa_urls == ["http://rasa1:5005", "http://rasa2:5005"]
    assert environment["REDIS_URL"].startswith("redis://redis:")
    assert environment["DATABASE_URL"].startswith("postgresql+psycopg://") and "@postgres:5432/" in environment[
        "DATABASE_URL"]
    for index in (1, 2):
        rasa = found[f"rasa{index}"]
        assert rasa["environment"][ACTION_ENDPOINT_VARIABLE] == f"http://actions{index}:5055/webhook"
        assert rasa["depends_on"]["rasa-endpoints"] == {"condition": "service_completed_successfully"}
        assert rasa["command"][rasa["command"].index("--endpoints") + 1] == "var/rasa/endpoints.yml"
    endpoints_command = found["rasa-endpoints"]["command"]
    assert endpoints_command[1:] == ["rasa-endpoints", "--out", "var/rasa/endpoints.yml"]
    for service in ("rasa-endpoints", "migrate", "telegram"):  # the commands the services run exist
        command = found[service]["command"]
        assert command[0] == ".venv/bin/trolyso" and build_parser().parse_args(command[1:]).command == service


def test_nginx_spreads_over_both_gateways_and_streams_events_unbuffered():
    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream gateways \{(.*?)\}", conf, re.S)
    assert upstream is not None
    assert re.findall(r"server (gateway\d):8000", upstream.group(1)) == ["gateway1", "gateway2"]
    events = re.search(r"location = /api/events \{(.*?)\}", conf, re.S)
    assert events is not None and "proxy_buffering off;" in events.group(1)
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in services()["nginx"]["volumes"]


def test_the_image_is_built_from_the_project_with_both_environments():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    for needed in ("python3.10 -m venv .venv-rasa", "python3.11 -m venv .venv", "requirements/rasa.lock",
                   "requirements/main.lock", "trolyso train", "trolyso index"):
        assert needed in dockerfile, needed
    build = services()["gateway1"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == (DEPLOY / "Dockerfile").resolve()
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".venv-rasa", "var", ".env", "deploy/.env"} <= set(ignored)


def test_the_compose_variables_are_documented():
    used = set(re.findall(r"\$\{([A-Z_]+)[:}]", (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")))
    documented = {line.split("=")[0] for line in (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines()
                  if re.match(r"^[A-Z_]+=", line)}
    assert used == documented


def test_deploy_env_is_never_committed():
    ignored = subprocess.run(["git", "check-ignore", "-q", "deploy/.env"], cwd=PROJECT_ROOT, timeout=30)
    assert ignored.returncode == 0
