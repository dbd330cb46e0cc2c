"""deploy/ without starting a stack: the HAProxy configuration, the README's copy of it, refusals.

The running stack (HAProxy + workers + PostgreSQL, fail-over, Ctrl-C) is tests/test_stack.py.
"""

from __future__ import annotations

import doctest
import fcntl
import http.server
import os
import re
import shlex
import subprocess
import sys
import threading
import time

import pytest
from conftest import ROOT

from bench.wsclient import load_page_cookies
from deploy import haproxy
from deploy.stack import Stack, StackError, free_ports

BACKENDS = [haproxy.Backend("w1", "127.0.0.1:8601"), haproxy.Backend("w2", "127.0.0.1:8602")]


def _cfg(tmp_path) -> str:
    return haproxy.render("127.0.0.1:8501", BACKENDS, tmp_path / "haproxy.sock")


def _lines(cfg: str) -> list[str]:
    return [line.strip() for line in cfg.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_config_sticks_by_cookie_passes_websockets_and_checks_health(tmp_path):
    lines = _lines(_cfg(tmp_path))
    assert "bind 127.0.0.1:8501" in lines
    assert 'cookie ATLAS_WORKER insert indirect nocache httponly attr "SameSite=Lax"' in lines
    assert "server w1 127.0.0.1:8601 cookie w1" in lines and "server w2 127.0.0.1:8602 cookie w2" in lines
    assert not any(line.startswith(("balance source", "hash-type", "stick on src")) for line in lines)  # not by IP
    assert "http-check send meth GET uri /_stcore/health" in lines and "option httpchk" in lines
    assert "option redispatch 1" in lines
    tunnel = next(line for line in lines if line.startswith("timeout tunnel"))
    assert re.fullmatch(r"timeout tunnel (\d+)h", tunnel) and int(tunnel.split()[-1][:-1]) >= 1
    assert any("on-marked-down shutdown-sessions" in line and " check " in f" {line} " for line in lines)


def test_doctests_of_the_config_renderer():
    result = doctest.testmod(haproxy)
    assert result.attempted > 0 and result.failed == 0


def test_haproxy_accepts_the_rendered_config(tmp_path):
    try:
        haproxy.find_haproxy()
    except haproxy.HaproxyUnavailable as exc:
        pytest.skip(str(exc))
    path = tmp_path / "haproxy.cfg"
    path.write_text(_cfg(tmp_path))
    haproxy.check_config(path)
    path.write_text(_cfg(tmp_path).replace("balance leastconn", "balance no-such-algorithm"))
    with pytest.raises(haproxy.HaproxyUnavailable, match="balance only supports"):
        haproxy.check_config(path)


@pytest.mark.parametrize("name,address", [("w 1", "127.0.0.1:1"), ("w1", "127.0.0.1"), ("w1", "h:0"),
                                          ("w1", "h:99999"), ("w1", "h\n    server evil 1.2.3.4:80:1"),
                                          ("", "h:1")])
def test_a_worker_that_would_break_the_config_is_refused(name, address):
    with pytest.raises(ValueError):
        haproxy.Backend(name, address)


def test_duplicate_or_no_workers_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unique"):
        haproxy.render("*:80", [BACKENDS[0], BACKENDS[0]], tmp_path / "s")
    with pytest.raises(ValueError, match="at least one"):
        haproxy.render("*:80", [], tmp_path / "s")


def test_readme_shows_the_config_the_command_prints():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^python -m deploy\.haproxy (.+)$", readme, re.M)
    block = re.search(r"```haproxy\n(.*?)```", readme, re.S)
    assert command and block, "README: the several-hosts command and its ```haproxy block"
    out = subprocess.run([sys.executable, "-m", "deploy.haproxy", *shlex.split(command.group(1))], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert block.group(1) in out.stdout  # the README quotes it exactly (frontend and backend)
    assert out.stdout.count("    server ") == 4


def test_serve_refuses_a_folder_another_serve_holds(tmp_path):
    serve = tmp_path / "var" / "serve"
    serve.mkdir(parents=True)
    (serve / "state.json").write_text("{}")
    with (serve / "lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        stack = Stack(1, var_dir=tmp_path / "var", database_url=f"sqlite:///{tmp_path / 'a.sqlite'}")
        with pytest.raises(StackError, match=r"another \./atlas serve"):
            stack.start()
        stack.stop()
    assert (serve / "state.json").read_text() == "{}"  # the other one's state was left alone


def test_serve_rejects_bad_arguments():
    for args in (["--workers", "0"], ["--worker-ports", "80,x"], ["--workers", "2", "--worker-ports", "8601"]):
        out = subprocess.run([sys.executable, "-m", "deploy", *args], cwd=ROOT, capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert "atlas serve" in out.stderr


def test_load_client_keeps_the_cookies_a_browser_would():
    seen: list[str | None] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers.get("Cookie"))
            self.send_response(200)
            self.send_header("Set-Cookie", "ATLAS_WORKER=w2; path=/; HttpOnly; SameSite=Lax")
            self.send_header("Set-Cookie", "_streamlit_xsrf=2|ab|cd|1; Path=/; SameSite=Lax")
            self.end_headers()
            self.wfile.write(b"<html></html>")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        jar = load_page_cookies(url)
        assert jar == {"ATLAS_WORKER": "w2", "_streamlit_xsrf": "2|ab|cd|1"}
        load_page_cookies(url, {"ATLAS_WORKER": "w1"})
        assert seen == [None, "ATLAS_WORKER=w1"]
    finally:
        server.shutdown()
        server.server_close()


class _Health(http.server.BaseHTTPRequestHandler):
    """Answers Streamlit's health check, as a worker (or any other Streamlit server) does."""

    def do_GET(self):
        self.send_response(200 if self.path == "/_stcore/health" else 404)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def _serve(server: http.server.HTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


def test_free_ports_are_different_and_skip_the_excluded():
    for _ in range(50):
        ports = free_ports(3, exclude={8501})
        assert len(set(ports)) == 3 and 8501 not in ports


def test_haproxy_does_not_take_another_server_on_its_port_for_itself(tmp_path):
    """The picked port is taken before HAProxy binds it, by a server that answers the health check too:
    HAProxy cannot listen there and exits; the stack must not call that ready, and picks another port."""
    try:
        haproxy.find_haproxy()
    except haproxy.HaproxyUnavailable as exc:
        pytest.skip(str(exc))
    worker, squatter = (http.server.HTTPServer(("127.0.0.1", 0), _Health) for _ in range(2))
    for server in (worker, squatter):
        _serve(server)
    logged: list[str] = []
    stack = Stack(1, port=squatter.server_port, var_dir=tmp_path / "var", worker_ports=[worker.server_port],
                  database_url=f"sqlite:///{tmp_path / 'a.sqlite'}", log=logged.append)
    stack._pick_port = True  # as with --port 0, whose pick another program took meanwhile
    stack.serve_dir.mkdir(parents=True)
    try:
        stack._start_haproxy(time.monotonic() + 30)
        assert stack.port != squatter.server_port and stack.haproxy.poll() is None
        assert logged and f"port {squatter.server_port} was taken" in logged[0]
        assert haproxy.server_states(stack.stats_socket) in ({"w1": "UP"}, {"w1": "DOWN"}, {"w1": "UP 1/2"})
        # a port given by the planner (not picked) that is taken: a clear refusal, not a retry
        stack.haproxy.terminate()
        stack.haproxy.wait(timeout=10)
        stack._pick_port, stack.port = False, squatter.server_port
        with pytest.raises(StackError, match=rf"port {squatter.server_port} is in use by another program"):
            stack._start_haproxy(time.monotonic() + 30)
    finally:
        if stack.haproxy is not None and stack.haproxy.poll() is None:
            stack.haproxy.kill()
            stack.haproxy.wait(timeout=10)
        for server in (worker, squatter):
            server.shutdown()
            server.server_close()


def test_serve_on_a_port_in_use_says_so_before_starting_anything(tmp_path):
    """``./atlas serve`` on the port ``./atlas run`` already uses: refused at once, by name, nothing started."""
    try:
        haproxy.find_haproxy()
    except haproxy.HaproxyUnavailable as exc:
        pytest.skip(str(exc))
    busy = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    _serve(busy)
    try:
        out = subprocess.run([sys.executable, "-m", "deploy", "--workers", "1", "--host", "127.0.0.1",
                              "--port", str(busy.server_port), "--var-dir", str(tmp_path / "var")],
                             cwd=ROOT, capture_output=True, text=True, timeout=60,
                             env={**os.environ, "ATLAS_DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite'}"})
    finally:
        busy.shutdown()
        busy.server_close()
    assert out.returncode == 1
    assert f"port {busy.server_port} is in use by another program" in out.stderr and "--port" in out.stderr
    assert not (tmp_path / "a.sqlite").exists() and not list((tmp_path / "var" / "serve").glob("w*.log"))
