import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
BINARY = os.environ.get("EXPORTDESK_BIN") or os.path.normpath(os.path.join(HERE, "..", "..", "..", ".build", "debug", "exportdesk"))


@pytest.fixture
def binary():
    if not os.path.exists(BINARY):
        pytest.skip(f"no built exportdesk at {BINARY}; run swift build first (or set EXPORTDESK_BIN)")
    return BINARY


@pytest.fixture
def workdir():
    d = tempfile.mkdtemp(prefix="edpy-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def server(binary, workdir):
    """A server on a Unix socket in a fresh directory, with results checked against their schemas."""
    path = os.path.join(workdir, "s.sock")
    proc = subprocess.Popen([binary, "serve", "--socket", path, "--db", os.path.join(workdir, "db.sqlite"), "--validate-results",
                             "--log-level", "warn"], stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            s.close()
            break
        except OSError:
            time.sleep(0.02)
    yield path
    proc.terminate()
    proc.wait(timeout=20)
