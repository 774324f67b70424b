import { EventEmitter } from "node:events";
import { ChildProcess } from "node:child_process";

export type Framing = "ndjson" | "content-length";

/** An error answer from the server; `reason` is data.reason (e.g. "VERSION_CONFLICT"). */
export declare class ExportDeskError extends Error {
  code: number;
  reason: string;
  data: Record<string, unknown>;
}

/** `signal` cancels the call: it rejects with ExportDeskError (code -32800, reason REQUEST_CANCELLED). */
export interface CallOptions { signal?: AbortSignal; timeout?: number }

export declare class Client extends EventEmitter {
  /** Spawns `exportdesk serve --stdio` (Content-Length framing by default). */
  static spawn(command?: string, args?: string[], options?: { framing?: Framing; stderr?: "ignore" | "inherit" | "pipe" }): Client;
  /** Connects to a Unix socket (newline-delimited JSON by default). */
  static connect(path: string, options?: { framing?: Framing }): Promise<Client>;
  process?: ChildProcess;
  call<T = unknown>(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<T>;
  notify(method: string, params?: Record<string, unknown>): void;
  close(): void;
  on(event: "notification", listener: (message: { method: string; params?: unknown }) => void): this;
  on(event: "progress", listener: (params: { token: unknown; value: { done: number; total: number; message?: string } }) => void): this;
  on(event: "close", listener: () => void): this;
  on(event: string, listener: (params: any) => void): this;
}
