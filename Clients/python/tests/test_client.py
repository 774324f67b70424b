import os
import subprocess
import sys
import threading

import pytest

from exportdesk import Client, TransportError, errors

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.mark.parametrize("framing", ["ndjson", "content-length"])
def test_socket_both_framings(server, framing):
    with Client.connect(server, framing=framing) as c:
        assert c.system.ping() == {"pong": True}
        created = c.companies.create(name="ООО «Технополис»", inn="7707083893", targetMarkets=["SA"])
        assert created["kind"] == "legal_entity"
        found = c.companies.list(filter={"q": "технополис"}, includeTotal=True)
        assert found["total"] == 1 and found["items"][0]["id"] == created["id"]


@pytest.mark.parametrize("framing", ["ndjson", "content-length"])
def test_stdio_both_framings(binary, workdir, framing):
    with Client.spawn([binary, "serve", "--stdio", "--db", os.path.join(workdir, "db.sqlite")], framing=framing) as c:
        assert c.call("system.ping") == {"pong": True}
        assert c.session.whoami()["role"] == "admin"
        assert c.call("companies.create", name="Agro")["version"] == 1
    assert c.process.returncode == 0, "EOF on stdin ends the server cleanly"


def test_errors_are_exceptions_carrying_data(server):
    with Client.connect(server) as c:
        company = c.companies.create(name="A", inn="7707083893")
        c.companies.update(id=company["id"], patch={"size": "small"})
        with pytest.raises(errors.VersionConflict) as conflict:
            c.companies.update(id=company["id"], patch={"size": "large"}, expectedVersion=1)
        assert conflict.value.current_version == 2
        with pytest.raises(errors.InvalidParams) as invalid:
            c.companies.create(name="", size="huge")
        assert {e["instancePath"] for e in invalid.value.errors} == {"/name", "/size"}
        with pytest.raises(errors.Duplicate) as dup:
            c.companies.create(name="B", inn="7707083893")
        assert dup.value.existing_id == company["id"]
        with pytest.raises(errors.NotFound) as missing:
            c.companies.get(id="co_01JD5X8Q3W4E5R6T7Y8V9K0P1A")
        assert missing.value.entity == "company"
        with pytest.raises(errors.MethodNotFound):
            c.call("no.such")


def test_batch_atomic_and_progress(server, workdir):
    with Client.connect(server) as c:
        results = c.batch([("system.ping", {}), ("companies.get", {"id": "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A"})])
        assert results[0] == {"pong": True} and isinstance(results[1], errors.NotFound)
        made = c.atomic([("companies.create", {"name": "X"}), ("companies.create", {"name": "Y"})])
        assert [r["name"] for r in made] == ["X", "Y"]
        with pytest.raises(errors.InvalidParams) as failed:
            c.atomic([("companies.create", {"name": "Z"}), ("companies.create", {"name": "W", "size": "huge"})])
        assert failed.value.data["index"] == 1
        assert c.companies.list(includeTotal=True)["total"] == 2
        seen = []
        c.call("system.backup", path=os.path.join(workdir, "copy.sqlite"), progress=seen.append)
        assert seen and {"done", "total"} <= set(seen[-1])


def test_concurrent_calls_on_one_connection(server):
    with Client.connect(server) as c:
        ids = []
        def worker(n):
            for i in range(20):
                ids.append(c.companies.create(name=f"T{n}-{i}")["id"])
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(ids)) == 100
        assert c.companies.list(includeTotal=True, limit=1)["total"] == 100


def test_unreachable_server_and_closed_connection(workdir):
    with pytest.raises(TransportError):
        Client.connect(os.path.join(workdir, "none.sock"))


def test_generated_module_matches_rpc_discover(binary):
    check = subprocess.run([sys.executable, os.path.join(HERE, "..", "generate.py"), "--exportdesk", binary, "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_subscribe_is_an_iterator_of_changes_made_elsewhere(server):
    with Client.connect(server) as watcher, Client.connect(server) as writer:
        with watcher.subscribe(entities=["company"], timeout=5) as changes:
            assert changes.since.isdigit()
            made = [writer.companies.create(name=f"Подписка {i}")["id"] for i in range(3)]
            writer.staff.create(name="Не компания", email="x@example.ru")
            got = []
            for change in changes:
                got.append(change)
                if len(got) == 3:
                    break
        assert [c["id"] for c in got] == made
        assert all(c["entity"] == "company" and c["op"] == "created" for c in got)
        assert [c["seq"] for c in got] == sorted(c["seq"] for c in got)
        # After the context manager unsubscribed, nothing more arrives.
        writer.companies.create(name="После")
        assert list(watcher.subscribe(entities=["staff"], timeout=0.5)) == []


def test_subscribe_resumes_after_a_cursor(server):
    with Client.connect(server) as c:
        c.companies.create(name="Раньше")
        cursor = c.changes.list(limit=1000)["nextCursor"]
        missed = [c.companies.create(name=f"Пропущено {i}")["id"] for i in range(2)]
        with Client.connect(server) as watcher:
            with watcher.subscribe(entities=["company"], since=cursor, timeout=5) as changes:
                assert changes.since == cursor
                live = c.companies.create(name="Потом")["id"]
                got = []
                for change in changes:
                    got.append(change["id"])
                    if len(got) == 3:
                        break
            assert got == missed + [live]



def test_spawn_without_a_command_runs_exportdesk_bin(binary, workdir, monkeypatch):
    # Issue 12 item 16: the default spawn() finds the binary through $EXPORTDESK_BIN (else PATH).
    monkeypatch.setenv("EXPORTDESK_BIN", binary)
    with Client.spawn(cwd=workdir) as c:
        assert c.call("system.ping") == {"pong": True}
    assert os.path.exists(os.path.join(workdir, "exportdesk.sqlite")), "served the default ./exportdesk.sqlite of its cwd"
