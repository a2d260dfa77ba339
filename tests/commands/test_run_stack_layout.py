"""The web processes' layout agrees across docker-compose.yml, deploy/nginx.conf and
scripts/run-stack: two daphne processes for the live rooms, both in nginx's upstream, with no
sticky sessions, and every server nginx names started by scripts/run-stack.

Reads the files only (and asks nginx, which CI installs, to check the rewritten file): no process is
started.
"""

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = (ROOT / "docker-compose.yml").read_text()
NGINX = (ROOT / "deploy/nginx.conf").read_text()
RUN_STACK = (ROOT / "scripts/run-stack").read_text()


def compose_services() -> dict[str, str]:
    """Each service's name and its block of text, from the top-level `services:` mapping."""
    body = COMPOSE.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    found = re.findall(r"^  ([a-z][a-z0-9-]*):(.*?)(?=^  [a-z]|\Z)", body, re.M | re.S)
    return dict(found)


def upstream(name: str) -> list[str]:
    block = re.search(rf"upstream {name} \{{(.*?)\}}", NGINX, re.S)
    assert block, f"no upstream {name} in deploy/nginx.conf"
    lines = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line]


def test_two_websocket_services_run_the_same_daphne() -> None:
    services = compose_services()
    assert "ws" not in services
    assert services["ws-1"].lstrip().startswith("&ws")
    assert services["ws-2"].strip() == "*ws"
    assert (
        "daphne --bind 0.0.0.0 --port 8000 --proxy-headers coprod.asgi:application"
        in (services["ws-1"])
    )
    assert "ws-1:" in services["nginx"]
    assert "ws-2:" in services["nginx"]


def test_nginx_shares_websockets_between_both_without_sticky_sessions() -> None:
    servers = upstream("coprod_ws")
    assert [line.split()[1].rstrip(";") for line in servers] == ["ws-1:8000", "ws-2:8000"]
    for line in servers:
        # Never marked down: a refused connection moves to the other server instead.
        assert "max_fails=0" in line
    for sticky in ("ip_hash", "hash ", "sticky", "least_conn"):
        assert not any(line.startswith(sticky) for line in servers), sticky
    location = NGINX.split("location /ws/", 1)[1].split("}", 1)[0]
    assert "proxy_next_upstream error timeout;" in location
    timeout = re.search(r"proxy_connect_timeout (\d+)s;", location)
    assert timeout
    assert int(timeout.group(1)) <= 5


def rewritten_site(ports: dict[str, int]) -> str:
    """deploy/nginx.conf with scripts/run-stack's substitutions of `name:8000` applied."""
    pairs = re.findall(r"s/([a-z][a-z0-9-]*):8000/127\.0\.0\.1:\$(\w+)/", RUN_STACK)
    assert pairs
    site = NGINX
    for host, variable in pairs:
        site = site.replace(f"{host}:8000", f"127.0.0.1:{ports[variable]}")
    return site.replace("listen 8000;", "listen 127.0.0.1:8123;")


def test_run_stack_starts_every_server_nginx_names() -> None:
    site = rewritten_site({"web_port": 40001, "ws1_port": 40002, "ws2_port": 40003})
    servers = re.findall(r"^\s*server ([0-9a-z.:-]+)[\s;]", site, re.M)
    assert servers == ["127.0.0.1:40001", "127.0.0.1:40002", "127.0.0.1:40003"]
    assert 'keep_ws_running ws-1 "$ws1_port" &' in RUN_STACK
    assert 'keep_ws_running ws-2 "$ws2_port" &' in RUN_STACK


def test_nginx_accepts_the_rewritten_file(tmp_path: Path) -> None:
    site = tmp_path / "site.conf"
    site.write_text(rewritten_site({"web_port": 40001, "ws1_port": 40002, "ws2_port": 40003}))
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log warn;\n"
        "events {}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; "
        f"proxy_temp_path {tmp_path}/proxy; include {site}; }}\n"
    )
    result = subprocess.run(  # noqa: S603
        [shutil.which("nginx"), "-t", "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert result.returncode == 0, result.stderr
