// ExportDesk client for Node 18+ and editor plugins: no npm dependencies.
import { spawn as spawnProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import net from "node:net";

/** An error answer from the server: code, message and data (data.reason names the error, SPEC §2). */
export class ExportDeskError extends Error {
  constructor(code, message, data = {}) {
    super(message);
    this.name = "ExportDeskError";
    this.code = code;
    this.data = data;
    this.reason = data.reason ?? "";
  }
}

/** One JSON-RPC connection. Emits "notification" (every server notification), one event per notification
 * method (for example "changes.notify"), "progress" for $/progress, and "close". */
export class Client extends EventEmitter {
  #write; #end; #framing; #buffer = Buffer.alloc(0); #nextId = 1; #pending = new Map(); #closed = false;

  constructor(readable, write, end, { framing = "content-length" } = {}) {
    super();
    if (framing !== "ndjson" && framing !== "content-length") throw new TypeError("framing must be 'ndjson' or 'content-length'");
    this.#write = write;
    this.#end = end;
    this.#framing = framing;
    readable.on("data", (chunk) => this.#receive(chunk));
    readable.on("close", () => this.#fail(new Error("the connection closed")));
    readable.on("error", (e) => this.#fail(e));
  }

  /** Spawns `exportdesk serve --stdio` (or `command args`) and talks over its pipes; LSP framing by default.
   * The binary is `$EXPORTDESK_BIN` when set, else `exportdesk` on PATH (see the README's install step). */
  static spawn(command = process.env.EXPORTDESK_BIN ?? "exportdesk", args = ["serve", "--stdio"], options = {}) {
    const child = spawnProcess(command, args, { stdio: ["pipe", "pipe", options.stderr ?? "ignore"] });
    const client = new Client(child.stdout, (data) => child.stdin.write(data), () => child.stdin.end(), options);
    client.process = child;
    return client;
  }

  /** Connects to a server's Unix socket; newline-delimited JSON by default. */
  static connect(path, options = {}) {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection(path);
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new Client(socket, (data) => socket.write(data), () => socket.end(), { framing: "ndjson", ...options }));
      });
    });
  }

  /** Calls a method with named params. Rejects with ExportDeskError on an error answer; `signal` cancels
   * the request ($/cancelRequest) and rejects with the ExportDeskError the server answers a cancelled
   * request with (code -32800, reason REQUEST_CANCELLED), at once, without waiting for that answer. */
  call(method, params = {}, { signal, timeout } = {}) {
    if (this.#closed) return Promise.reject(new Error("the connection is closed"));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.#pending.delete(id);
        if (timer) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const onAbort = () => {
        cleanup();
        this.notify("$/cancelRequest", { id });
        reject(new ExportDeskError(-32800, `${method} was cancelled`, { reason: "REQUEST_CANCELLED" }));
      };
      const timer = timeout ? setTimeout(() => {
        cleanup();
        this.notify("$/cancelRequest", { id });
        reject(new Error(`${method}: no answer within ${timeout} ms`));
      }, timeout) : null;
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.set(id, { resolve, reject, cleanup });
      this.#send({ jsonrpc: "2.0", id, method, params });
    });
  }

  /** Sends a notification (no answer). */
  notify(method, params = {}) {
    if (!this.#closed) this.#send({ jsonrpc: "2.0", method, params });
  }

  /** Ends the stream (EOF for a stdio server). */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#end();
  }

  #send(message) {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.#write(this.#framing === "ndjson"
      ? Buffer.concat([body, Buffer.from("\n")])
      : Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]));
  }

  #receive(chunk) {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      let body;
      if (this.#framing === "ndjson") {
        const nl = this.#buffer.indexOf(0x0a);
        if (nl < 0) return;
        body = this.#buffer.subarray(0, nl);
        this.#buffer = this.#buffer.subarray(nl + 1);
        if (body.toString("utf8").trim() === "") continue;
      } else {
        const end = this.#buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const match = /content-length:\s*(\d+)/i.exec(this.#buffer.subarray(0, end).toString("ascii"));
        if (!match) return this.#fail(new Error("malformed header from the server"));
        const length = Number(match[1]);
        if (this.#buffer.length < end + 4 + length) return;
        body = this.#buffer.subarray(end + 4, end + 4 + length);
        this.#buffer = this.#buffer.subarray(end + 4 + length);
      }
      const message = JSON.parse(body.toString("utf8"));
      for (const item of Array.isArray(message) ? message : [message]) this.#dispatch(item);
    }
  }

  #dispatch(item) {
    if (item.method !== undefined && item.id === undefined) {
      if (item.method === "$/progress") this.emit("progress", item.params);
      this.emit("notification", item);
      this.emit(item.method, item.params);
      return;
    }
    const pending = this.#pending.get(item.id);
    if (!pending) return;
    pending.cleanup();
    if (item.error) pending.reject(new ExportDeskError(item.error.code, item.error.message, item.error.data ?? {}));
    else pending.resolve(item.result);
  }

  #fail(error) {
    for (const { reject, cleanup } of [...this.#pending.values()]) { cleanup(); reject(error); }
    if (!this.#closed) { this.#closed = true; this.emit("close"); }
  }
}
