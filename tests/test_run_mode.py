"""`scripts/run` serves the site's own error pages, in the reader's language: with DEBUG on, a
mistyped address showed Django's technical 404 in English (its URL patterns included)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url, language):
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_run_mode_shows_the_sites_own_404_page_in_chinese(tmp_path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", CRM_ADDRESS=f"127.0.0.1:{port}", STATIC_ROOT=str(tmp_path))
    python = f'"{sys.executable}" manage.py'
    command = (f"source scripts/_run_env.sh && {python} collectstatic --noinput --verbosity 0"
               f' && exec {python} runserver "$CRM_ADDRESS" --noreload')
    server = subprocess.Popen(["bash", "-c", command], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        for _attempt in range(1200):  # until it listens (a few seconds), at most two minutes
            if server.poll() is not None:
                raise AssertionError(f"the server stopped: {server.stderr.read()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        status, body = _get(f"http://127.0.0.1:{port}/no-such-page/", "zh-CN,zh;q=0.9")
        assert status == 404
        assert "找不到这个页面" in body and "navbar" in body
        assert "Page not found" not in body and "URLconf" not in body and "DEBUG = True" not in body
    finally:
        server.terminate()
        server.wait(timeout=30)
