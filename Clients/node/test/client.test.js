import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client, ExportDeskError } from "../index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = process.env.EXPORTDESK_BIN ?? path.resolve(here, "../../../.build/debug/exportdesk");
const skip = existsSync(binary) ? false : `no built exportdesk at ${binary}; run swift build first`;

async function withSocketServer(fn) {
  const dir = mkdtempSync(path.join(tmpdir(), "ednode-"));
  const sock = path.join(dir, "s.sock");
  const server = spawn(binary, ["serve", "--socket", sock, "--db", path.join(dir, "db.sqlite"), "--validate-results", "--log-level", "warn"], { stdio: "ignore" });
  try {
    for (let i = 0; i < 500 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
    await fn(sock, dir);
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const framing of ["content-length", "ndjson"]) {
  test(`stdio, ${framing} framing`, { skip }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ednode-"));
    const client = Client.spawn(binary, ["serve", "--stdio", "--db", path.join(dir, "db.sqlite")], { framing });
    try {
      assert.deepEqual(await client.call("system.ping"), { pong: true });
      const created = await client.call("companies.create", { name: "ООО «Технополис»", inn: "7707083893" });
      assert.equal(created.kind, "legal_entity");
      const err = await client.call("companies.create", { name: "B", inn: "7707083893" }).catch((e) => e);
      assert.ok(err instanceof ExportDeskError);
      assert.equal(err.reason, "DUPLICATE");
      assert.equal(err.data.existingId, created.id);
    } finally {
      client.close();
      const code = await new Promise((r) => client.process.once("exit", r));
      assert.equal(code, 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`socket, ${framing} framing`, { skip }, async () => {
    await withSocketServer(async (sock) => {
      const client = await Client.connect(sock, { framing });
      const invalid = await client.call("companies.create", { name: "", size: "huge" }).catch((e) => e);
      assert.equal(invalid.code, -32602);
      assert.deepEqual(invalid.data.errors.map((e) => e.instancePath).sort(), ["/name", "/size"]);
      const many = await Promise.all(Array.from({ length: 50 }, (_, i) => client.call("companies.create", { name: `N${i}` })));
      assert.equal(new Set(many.map((c) => c.id)).size, 50);
      assert.equal((await client.call("companies.list", { includeTotal: true })).total, 50);
      client.close();
    });
  });
}

test("progress notifications arrive as events", { skip }, async () => {
  await withSocketServer(async (sock, dir) => {
    const client = await Client.connect(sock);
    const progress = [];
    client.on("progress", (p) => progress.push(p));
    const result = await client.call("system.backup", { path: path.join(dir, "copy.sqlite"), progressToken: "b1" });
    assert.ok(result.bytes > 0);
    assert.ok(progress.length > 0 && progress.every((p) => p.token === "b1"));
    client.close();
  });
});

test("an AbortSignal cancels a call", { skip }, async () => {
  await withSocketServer(async (sock) => {
    const client = await Client.connect(sock);
    const controller = new AbortController();
    controller.abort();
    const err = await client.call("system.ping", {}, { signal: controller.signal }).catch((e) => e);
    assert.ok(err instanceof ExportDeskError, "a cancelled call rejects with the documented ExportDeskError");
    assert.equal(err.code, -32800);
    assert.equal(err.reason, "REQUEST_CANCELLED");
    assert.deepEqual(await client.call("system.ping"), { pong: true }, "the connection stays usable");
    client.close();
  });
});

test("changes.notify arrives as an event on a stdio subscription", { skip }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ednode-"));
  const client = Client.spawn(binary, ["serve", "--stdio", "--db", path.join(dir, "db.sqlite")]);
  try {
    const { subscriptionId } = await client.call("changes.subscribe", { entities: ["company"] });
    const received = new Promise((resolve) => client.once("changes.notify", resolve));
    const created = await client.call("companies.create", { name: "Для подписки" });
    const note = await received;
    assert.equal(note.subscriptionId, subscriptionId);
    assert.equal(note.change.id, created.id);
    assert.equal(note.change.op, "created");
    assert.deepEqual(await client.call("changes.unsubscribe", { subscriptionId }), { subscriptionId, unsubscribed: true });
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
