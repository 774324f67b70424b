"""A JSON-RPC 2.0 client for ExportDesk over a Unix socket or a spawned `exportdesk serve --stdio`."""
import itertools
import json
import os
import queue
import socket
import subprocess
import threading
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from . import errors

Framing = str  # "ndjson" or "content-length"


class _Pending:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.response: Optional[Dict[str, Any]] = None


class Client:
    """One connection. Thread-safe: several threads may call at once; answers are matched by id."""

    def __init__(self, reader: Any, writer: Any, framing: Framing = "ndjson", closer: Optional[Callable[[], None]] = None,
                 timeout: Optional[float] = 60.0) -> None:
        if framing not in ("ndjson", "content-length"):
            raise ValueError("framing must be 'ndjson' or 'content-length'")
        self._reader = reader
        self._writer = writer
        self._framing = framing
        self._closer = closer
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._pending: Dict[Any, _Pending] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._notifications: "queue.Queue[Optional[Dict[str, Any]]]" = queue.Queue()
        self._progress: Dict[Any, Callable[[Dict[str, Any]], None]] = {}
        self._closed = False
        self._thread = threading.Thread(target=self._read_loop, name="exportdesk-client", daemon=True)
        self._thread.start()
        from .methods import bind_namespaces  # generated from rpc.discover
        bind_namespaces(self)

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def connect(cls, path: Optional[str] = None, framing: Framing = "ndjson", timeout: Optional[float] = 60.0) -> "Client":
        """Connects to a server's Unix socket (default: $XDG_RUNTIME_DIR/exportdesk.sock, else ./exportdesk.sock)."""
        if path is None:
            runtime = os.environ.get("XDG_RUNTIME_DIR")
            path = os.path.join(runtime, "exportdesk.sock") if runtime else "./exportdesk.sock"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
        except OSError as e:
            sock.close()
            raise errors.TransportError(f"cannot connect to {path}: {e}") from e
        # Buffered for reading (readline on a raw socket would read one byte per system call),
        # unbuffered for writing (each message goes out at once).
        reader = sock.makefile("rb")
        writer = sock.makefile("wb", buffering=0)
        def close() -> None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        return cls(reader, writer, framing, close, timeout)

    @classmethod
    def spawn(cls, command: Optional[List[str]] = None, framing: Framing = "ndjson", timeout: Optional[float] = 60.0,
              **popen: Any) -> "Client":
        """Starts `exportdesk serve --stdio` (or `command`) and talks over its stdin/stdout. The binary is
        `$EXPORTDESK_BIN` when set, else `exportdesk` on PATH (see the README's install step)."""
        proc = subprocess.Popen(command or [os.environ.get("EXPORTDESK_BIN", "exportdesk"), "serve", "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=popen.pop("stderr", subprocess.DEVNULL), **popen)
        def close() -> None:
            try:
                proc.stdin.close()  # EOF: the server answers what is running, then exits
            except OSError:
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        client = cls(proc.stdout, proc.stdin, framing, close, timeout)
        client.process = proc
        return client

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._closer:
            self._closer()

    # -- calls ----------------------------------------------------------------------------------

    def call(self, method: str, params: Optional[Dict[str, Any]] = None, *, timeout: Optional[float] = None,
             progress: Optional[Callable[[Dict[str, Any]], None]] = None, **kwargs: Any) -> Any:
        """Calls `method` with named params and returns its result; errors raise `errors.ExportDeskError` subclasses.

        `progress` receives each `$/progress` value ({done, total, message}) of a long-running call.
        On timeout (or Ctrl-C) the request is cancelled with `$/cancelRequest`.
        """
        params = dict(params or {}, **kwargs)
        request_id = next(self._ids)
        if progress is not None:
            token = f"p{request_id}"
            params["progressToken"] = token
            self._progress[token] = progress
        pending = _Pending()
        with self._lock:
            self._pending[request_id] = pending
        try:
            self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
            limit = self.timeout if timeout is None else timeout
            if not pending.event.wait(limit):
                self.notify("$/cancelRequest", id=request_id)
                raise errors.TransportError(f"{method}: no answer within {limit} s (request cancelled)")
        except KeyboardInterrupt:
            self.notify("$/cancelRequest", id=request_id)
            raise
        finally:
            with self._lock:
                self._pending.pop(request_id, None)
            if progress is not None:
                self._progress.pop(params["progressToken"], None)
        response = pending.response
        if response is None:
            raise errors.TransportError("the connection closed before the answer arrived")
        if "error" in response:
            raise errors.from_wire(response["error"])
        return response.get("result")

    def notify(self, method: str, params: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        """Sends a notification (no answer)."""
        self._send({"jsonrpc": "2.0", "method": method, "params": dict(params or {}, **kwargs)})

    def batch(self, calls: List[Tuple[str, Dict[str, Any]]]) -> List[Any]:
        """Sends a JSON-RPC batch; returns each result, or the exception for a failed entry, in call order."""
        ids = [next(self._ids) for _ in calls]
        waits = {i: _Pending() for i in ids}
        with self._lock:
            self._pending.update(waits)
        try:
            self._send([{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in zip(ids, calls)])
            out: List[Any] = []
            for i in ids:
                if not waits[i].event.wait(self.timeout):
                    raise errors.TransportError("batch: no answer in time")
                r = waits[i].response or {}
                out.append(errors.from_wire(r["error"]) if "error" in r else r.get("result"))
            return out
        finally:
            with self._lock:
                for i in ids:
                    self._pending.pop(i, None)

    def atomic(self, calls: List[Tuple[str, Dict[str, Any]]]) -> List[Any]:
        """rpc.atomic: all the write calls in one transaction, or an exception with `.data['index']` and nothing applied."""
        return self.call("rpc.atomic", calls=[{"method": m, "params": p} for m, p in calls])["results"]

    def notifications(self, timeout: Optional[float] = None) -> Iterator[Dict[str, Any]]:
        """Server notifications as they arrive (for example changes.notify); ends when the connection closes."""
        while True:
            try:
                item = self._notifications.get(timeout=timeout)
            except queue.Empty:
                return
            if item is None:
                return
            yield item

    def subscribe(self, entities: Optional[List[str]] = None, timeout: Optional[float] = None,
                  since: Optional[str] = None) -> "Subscription":
        """changes.subscribe as an iterator of change entries ({seq, entity, id, op, action, version, at}).

        Iteration ends when the connection closes, or after `timeout` seconds without a change. Use it as a
        context manager (or call close()) to unsubscribe. While iterating, other notifications are skipped.
        With `since` (a changes.list nextCursor, or an earlier subscription's `since`), the changes after it
        come first, then live ones: a partner resumes without missing or repeating one.
        """
        params: Dict[str, Any] = {} if entities is None else {"entities": list(entities)}
        if since is not None:
            params["since"] = since  # resume after a cursor: the missed changes come first, none twice
        result = self.call("changes.subscribe", **params)
        return Subscription(self, result["subscriptionId"], result["since"], timeout)

    # -- wire -----------------------------------------------------------------------------------

    def _send(self, message: Any) -> None:
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data = body + b"\n" if self._framing == "ndjson" else b"Content-Length: %d\r\n\r\n" % len(body) + body
        with self._write_lock:
            try:
                self._writer.write(data)
                self._writer.flush()
            except (OSError, ValueError) as e:
                raise errors.TransportError(f"cannot send: {e}") from e

    def _read_message(self) -> Optional[bytes]:
        if self._framing == "ndjson":
            while True:
                line = self._reader.readline()
                if not line:
                    return None
                if line.strip():
                    return line
        length = None
        while True:
            header = self._reader.readline()
            if not header:
                return None
            header = header.strip()
            if not header:
                if length is None:
                    continue
                break
            name, _, value = header.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        data = b""
        while len(data) < length:
            chunk = self._reader.read(length - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def _read_loop(self) -> None:
        try:
            while True:
                raw = self._read_message()
                if raw is None:
                    break
                message = json.loads(raw)
                for item in message if isinstance(message, list) else [message]:
                    self._dispatch(item)
        except (OSError, ValueError):
            pass
        finally:
            with self._lock:
                for pending in self._pending.values():
                    pending.event.set()  # fail every outstanding call
            self._notifications.put(None)

    def _dispatch(self, item: Dict[str, Any]) -> None:
        if "method" in item and "id" not in item:
            if item["method"] == "$/progress":
                params = item.get("params", {})
                callback = self._progress.get(params.get("token"))
                if callback:
                    callback(params.get("value", {}))
                return
            self._notifications.put(item)
            return
        with self._lock:
            pending = self._pending.get(item.get("id"))
        if pending:
            pending.response = item
            pending.event.set()


class Subscription:
    """A live change-feed subscription (see Client.subscribe). `since` is the feed cursor it started after:
    changes.list from there fills any gap, for example after a reconnect."""

    def __init__(self, client: "Client", subscription_id: str, since: str, timeout: Optional[float]) -> None:
        self.client = client
        self.id = subscription_id
        self.since = since
        self.timeout = timeout
        self.closed = False

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        for note in self.client.notifications(self.timeout):
            if self.closed:
                return
            params = note.get("params") or {}
            if note.get("method") == "changes.notify" and params.get("subscriptionId") == self.id:
                yield params["change"]

    def close(self) -> None:
        """Ends the subscription (changes.unsubscribe); harmless when already closed."""
        if not self.closed:
            self.closed = True
            try:
                self.client.call("changes.unsubscribe", subscriptionId=self.id)
            except errors.ExportDeskError:
                pass

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
