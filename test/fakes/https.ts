import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { Agent, buildConnector } from "undici";

/**
 * One real HTTPS server on 127.0.0.1 that answers for the real hostnames (api.deezer.com,
 * p.scdn.co, …), dispatching by Host header. Production code keeps its hostnames and allow-list;
 * only the connection is routed: `dispatcher` (undici) and `installGlobalHttpsAgent()` (node https,
 * used by spotify-web-api-node) connect every hostname to this server, keep the hostname as SNI and
 * trust a test CA whose certificate names the real hosts.
 */

/** Every hostname the fakes answer for; the certificate's SANs. */
export const FAKE_HOSTNAMES = [
  "accounts.spotify.com",
  "api.spotify.com",
  "p.scdn.co",
  "api.deezer.com",
  "cdnt-preview.dzcdn.net",
  "*.dzcdn.net",
  "itunes.apple.com",
  "audio-ssl.itunes.apple.com",
  "*.mzstatic.com",
] as const;

export interface TestTls {
  ca: string;
  key: string;
  cert: string;
}

/**
 * A fresh CA and server certificate (once per process) from the openssl CLI when it is installed;
 * otherwise the test-only pair committed in test/fakes/tls (made the same way, valid for 20 years).
 */
let loaded: TestTls | undefined;

export function loadTestTls(): TestTls {
  loaded ??= makeTestTls();
  return loaded;
}

function makeTestTls(): TestTls {
  const dir = mkdtempSync(path.join(tmpdir(), "genrebot-tls-"));
  try {
    generateTls(dir);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return readTls(path.join(import.meta.dirname, "tls"));
  }
  try {
    return readTls(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readTls(dir: string): TestTls {
  const read = (name: string) => readFileSync(path.join(dir, name), "utf8");
  return { ca: read("ca.pem"), key: read("key.pem"), cert: read("cert.pem") };
}

/** Writes ca.pem, key.pem and cert.pem into `dir` (also how the committed pair was made). */
export function generateTls(dir: string, days = 2): void {
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  run(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca-key.pem",
    "-out",
    "ca.pem",
    "-days",
    String(days),
    "-subj",
    "/CN=genrebot test CA",
  );
  run("req", ...ec, "-keyout", "key.pem", "-out", "server.csr", "-subj", "/CN=genrebot fake internet");
  const sans = FAKE_HOSTNAMES.map((host) => `DNS:${host}`).join(",");
  writeFileSync(path.join(dir, "ext.cnf"), `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\n`);
  run(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca-key.pem",
    "-CAcreateserial",
    "-out",
    "cert.pem",
    "-days",
    String(days),
    "-extfile",
    "ext.cnf",
  );
}

export type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => void | Promise<void>;

export interface RecordedCall {
  host: string;
  method: string;
  /** Path and query, e.g. "/track/isrc:GBAYE0601498". */
  path: string;
  url: URL;
}

/** A scripted misbehaviour for the next matching request, in place of the normal answer. */
export type Fault =
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Accept the request and never answer. */
  | { hang: true }
  /** Wait, then answer normally. */
  | { delayMs: number }
  | { redirect: string; status?: number }
  /** Stream this many bytes of audio-typed zeros (no Content-Length unless `declareLength`). */
  | { streamBytes: number; contentType?: string; declareLength?: boolean };

export interface FakeHttps {
  port: number;
  ca: string;
  /** undici dispatcher that reaches this server for every hostname. */
  dispatcher: Agent;
  /** Points node's https.globalAgent (spotify-web-api-node's transport) here; returns the undo. */
  installGlobalHttpsAgent(): () => void;
  /** Serves `host` (a hostname or a pattern) with `handler`. */
  route(host: string | RegExp, handler: Handler): void;
  /** Queues faults for the next requests to `host` whose path starts with `pathPrefix`, one per request. */
  inject(host: string, pathPrefix: string, ...faults: Fault[]): void;
  calls: RecordedCall[];
  /** Bytes the server managed to write for each streamed fault, once its connection ended. */
  streamed: number[];
  /** The most requests each host was serving at the same moment. */
  peakConcurrency: Map<string, number>;
  close(): Promise<void>;
}

export async function startFakeHttps(): Promise<FakeHttps> {
  const { ca, key, cert } = loadTestTls();
  const routes: Array<{ host: string | RegExp; handler: Handler }> = [];
  const calls: RecordedCall[] = [];
  const faults: Array<{ host: string; pathPrefix: string; fault: Fault }> = [];
  const streamed: number[] = [];
  const inFlight = new Map<string, number>();
  const peakConcurrency = new Map<string, number>();

  /** Plays a fault; true when the request has been dealt with (false: answer it normally). */
  async function playFault(fault: Fault, response: ServerResponse): Promise<boolean> {
    if ("hang" in fault) return true;
    if ("delayMs" in fault) {
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      return false;
    }
    if ("redirect" in fault) {
      response.writeHead(fault.status ?? 302, { location: fault.redirect }).end();
      return true;
    }
    if ("streamBytes" in fault) {
      await streamZeros(fault, response);
      return true;
    }
    response.writeHead(fault.status, fault.headers).end(fault.body ?? "");
    return true;
  }

  async function streamZeros(
    fault: Extract<Fault, { streamBytes: number }>,
    response: ServerResponse,
  ): Promise<void> {
    response.writeHead(200, {
      "content-type": fault.contentType ?? "audio/mpeg",
      ...(fault.declareLength ? { "content-length": String(fault.streamBytes) } : {}),
    });
    const socket = response.socket;
    const closed = new Promise<void>((resolve) => response.once("close", resolve));
    let open = true;
    void closed.then(() => {
      open = false;
    });
    const chunk = Buffer.alloc(64 * 1024);
    for (let queued = 0; open && queued < fault.streamBytes; queued += chunk.length) {
      if (!response.write(chunk))
        await Promise.race([new Promise((resolve) => response.once("drain", resolve)), closed]);
    }
    response.end();
    await closed;
    // What really left the server (kernel-accepted bytes), not what was queued in memory.
    streamed.push(socket?.bytesWritten ?? 0);
  }

  const server = https.createServer({ key, cert }, (request, response) => {
    const host = (request.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
    const url = new URL(request.url ?? "/", `https://${host}`);
    calls.push({ host, method: request.method ?? "GET", path: url.pathname + url.search, url });
    const current = (inFlight.get(host) ?? 0) + 1;
    inFlight.set(host, current);
    peakConcurrency.set(host, Math.max(current, peakConcurrency.get(host) ?? 0));
    response.once("close", () => inFlight.set(host, (inFlight.get(host) ?? 1) - 1));
    const index = faults.findIndex((f) => f.host === host && url.pathname.startsWith(f.pathPrefix));
    const fault = index >= 0 ? faults.splice(index, 1)[0]?.fault : undefined;
    const route = routes.find((r) => (typeof r.host === "string" ? r.host === host : r.host.test(host)));
    if (!route) {
      response.writeHead(421, { "content-type": "text/plain" }).end(`no fake for ${host}`);
      return;
    }
    const answer = async () => {
      if (fault && (await playFault(fault, response))) return;
      await route.handler(request, response, url);
    };
    answer().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  const connector = buildConnector({ ca, timeout: 2000 });
  const dispatcher = new Agent({
    connect: (options, callback) =>
      connector(
        {
          ...options,
          hostname: "127.0.0.1",
          host: "127.0.0.1",
          port: String(port),
          servername: options.hostname,
        },
        callback,
      ),
  });

  return {
    port,
    ca,
    dispatcher,
    installGlobalHttpsAgent() {
      // superagent passes `agent: false`, so node builds `new globalAgent.constructor()` per
      // request: the routing must live in the class, not in one instance's options.
      class RoutedAgent extends https.Agent {
        override createConnection(options: https.RequestOptions) {
          const servername = options.servername ?? options.hostname ?? options.host ?? undefined;
          return tls.connect({
            ...(options as tls.ConnectionOptions),
            // The request path is in these options too; tls.connect would take it for a socket path.
            path: undefined,
            host: "127.0.0.1",
            port,
            ca,
            servername,
          });
        }
      }
      const previous = https.globalAgent;
      https.globalAgent = new RoutedAgent();
      return () => {
        https.globalAgent = previous;
      };
    },
    route(host, handler) {
      routes.push({ host, handler });
    },
    inject(host, pathPrefix, ...queued) {
      for (const fault of queued) faults.push({ host, pathPrefix, fault });
    },
    calls,
    streamed,
    peakConcurrency,
    async close() {
      await dispatcher.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends a JSON body the way the real APIs do. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Sends a file (a real preview) with its length, like a CDN. */
export async function sendFile(response: ServerResponse, file: string, contentType: string): Promise<void> {
  const bytes = await readFile(file);
  response.writeHead(200, {
    "content-type": contentType,
    "content-length": bytes.length,
    "accept-ranges": "bytes",
  });
  response.end(bytes);
}
