import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LogStream } from "../../server/lib/enums";
import type { ExecContext } from "../../server/runs/executor";
import { runHttp } from "../../server/runs/modes/http";
import { type HttpParams, ZHttpParams } from "../../server/runs/modes/params";

type Seen = {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
};

function harness() {
  const controller = new AbortController();
  const writes: { stream: LogStream; text: string }[] = [];
  const ctx: ExecContext = {
    runId: 1,
    jobId: 1,
    signal: controller.signal,
    timeoutMs: null,
    out: { write: (stream, text) => writes.push({ stream, text }) },
  };
  const text = (stream: LogStream) =>
    writes
      .filter((w) => w.stream === stream)
      .map((w) => w.text)
      .join("");
  return { controller, ctx, text };
}

async function run(p: Partial<HttpParams> & { url: string }) {
  const h = harness();
  const result = await runHttp(ZHttpParams.parse(p), h.ctx);
  return { result, stdout: h.text("stdout"), system: h.text("system") };
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.on("error", reject);
  });
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

function close(server: http.Server | net.Server): Promise<void> {
  if (server instanceof http.Server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The server the jobs call: records every request; the path picks the answer. */
const seen: Seen[] = [];
const target = http.createServer(async (req, res) => {
  const body = await readAll(req);
  seen.push({
    method: req.method ?? "",
    url: req.url ?? "",
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    body,
  });
  const url = new URL(req.url ?? "/", "http://x");
  const status = url.pathname.match(/^\/status\/(\d+)$/);
  if (status) {
    res.writeHead(Number(status[1]), { "content-type": "text/plain" }).end("nope\n");
  } else if (url.pathname === "/redirect") {
    res.writeHead(302, { location: "/ok" }).end();
  } else if (url.pathname === "/see-other") {
    res.writeHead(303, { location: "/ok" }).end();
  } else if (url.pathname === "/loop") {
    res.writeHead(302, { location: "/loop" }).end();
  } else if (url.pathname === "/hang") {
    // Never answers.
  } else if (url.pathname === "/slow-body") {
    // Headers and the start of a body, then nothing.
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("partial");
  } else if (url.pathname === "/gzip") {
    res
      .writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" })
      .end(zlib.gzipSync("operation success, compressed\n"));
  } else if (url.pathname === "/binary") {
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.from([1, 0, 2, 0]));
  } else if (url.pathname === "/big") {
    res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(300 * 1024));
  } else {
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "x-served-by": "target" });
    res.end("operation success 完成\n");
  }
});
let base: string;
let targetPort: number;

/** A forward proxy: takes absolute-URI requests and replays them to the origin. */
const proxied: string[] = [];
const proxy = http.createServer((req, res) => {
  proxied.push(req.url ?? "");
  const upstream = http.request(req.url ?? "", { method: req.method, headers: req.headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on("error", () => res.writeHead(502).end());
  req.pipe(upstream);
});
let proxyPort: number;

/** A minimal SOCKS5 server: no authentication, CONNECT only, then a plain pipe to the target. */
const socksConnects: string[] = [];
const socks = net.createServer((client) => {
  let buf = Buffer.alloc(0);
  let greeted = false;
  const onData = (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    if (!greeted) {
      const methods = buf[1];
      if (methods === undefined || buf.length < 2 + methods) return;
      buf = buf.subarray(2 + methods);
      greeted = true;
      client.write(Buffer.from([5, 0]));
    }
    const request = parseSocksConnect(buf);
    if (!request) return;
    client.off("data", onData);
    client.pause();
    socksConnects.push(`${request.host}:${request.port}`);
    const upstream = net.connect(request.port, request.host, () => {
      client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
      if (request.rest.length > 0) upstream.write(request.rest);
      client.pipe(upstream).pipe(client);
    });
    upstream.on("error", () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
    client.on("error", () => upstream.destroy());
  };
  client.on("data", onData);
});
let socksPort: number;

/** VER CMD RSV ATYP ADDR PORT, for CONNECT with an IPv4 address or a domain name. */
function parseSocksConnect(buf: Buffer): { host: string; port: number; rest: Buffer } | null {
  if (buf.length < 5) return null;
  const atyp = buf[3];
  let host: string;
  let end: number;
  if (atyp === 1) {
    end = 8;
    if (buf.length < end + 2) return null;
    host = [...buf.subarray(4, 8)].join(".");
  } else if (atyp === 3) {
    end = 5 + (buf[4] ?? 0);
    if (buf.length < end + 2) return null;
    host = buf.subarray(5, end).toString("utf8");
  } else {
    throw new Error(`address type ${atyp} not supported by the test server`);
  }
  return { host, port: buf.readUInt16BE(end), rest: buf.subarray(end + 2) };
}

beforeAll(async () => {
  targetPort = await listen(target);
  base = `http://127.0.0.1:${targetPort}`;
  proxyPort = await listen(proxy);
  socksPort = await listen(socks);
});
afterAll(async () => {
  await Promise.all([close(target), close(proxy), close(socks)]);
});
beforeEach(() => {
  seen.length = 0;
});

describe("http mode", () => {
  it("sends headers and cookies as given, and writes the exchange", async () => {
    const r = await run({
      url: `${base}/ok?x=1`,
      headers: [
        ["X-Trace", "abc 123"],
        ["Accept", "text/plain"],
      ],
      cookies: "session=s1; theme=dark",
    });
    expect(r.result).toMatchObject({ ok: true, httpStatus: 200, error: null });
    expect(seen).toHaveLength(1);
    const req = seen[0];
    expect(req).toMatchObject({ method: "GET", url: "/ok?x=1", body: "" });
    expect(req?.headers["x-trace"]).toBe("abc 123");
    expect(req?.headers.accept).toBe("text/plain");
    expect(req?.headers.cookie).toBe("session=s1; theme=dark");
    const names = req?.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase()) ?? [];
    expect(names.indexOf("x-trace")).toBeLessThan(names.indexOf("accept"));

    expect(r.system).toContain(`→ GET ${base}/ok?x=1\n`);
    expect(r.system).toMatch(/← 200 OK · \d+ ms · 25 B\n/);
    expect(r.system).toContain("x-served-by: target\n");
    expect(r.stdout).toBe("operation success 完成\n");
    expect(r.result.result).toEqual({ requests: [{ status: 200, ms: expect.any(Number), bytes: 25 }] });
  });

  it("posts data with a content type guessed from it, unless one is given", async () => {
    await run({ url: `${base}/ok`, method: "POST", data: '{"a":1}' });
    await run({ url: `${base}/ok`, method: "PUT", data: "a=1&b=two" });
    await run({ url: `${base}/ok`, method: "POST", data: "just text" });
    await run({
      url: `${base}/ok`,
      method: "POST",
      data: "<x/>",
      headers: [["content-type", "application/xml"]],
    });
    expect(seen.map((s) => [s.method, s.headers["content-type"], s.body])).toEqual([
      ["POST", "application/json", '{"a":1}'],
      ["PUT", "application/x-www-form-urlencoded", "a=1&b=two"],
      ["POST", "text/plain; charset=utf-8", "just text"],
      ["POST", "application/xml", "<x/>"],
    ]);
  });

  it("sends no body with GET and says the data was ignored", async () => {
    const r = await run({ url: `${base}/ok`, data: "a=1" });
    expect(r.result.ok).toBe(true);
    expect(seen[0]?.body).toBe("");
    expect(r.system).toContain("data ignored for GET");
  });

  it("fails on a non-2xx status", async () => {
    const r = await run({ url: `${base}/status/503` });
    expect(r.result).toMatchObject({ ok: false, httpStatus: 503, error: "HTTP 503 Service Unavailable" });
    expect(r.system).toMatch(/← 503 Service Unavailable · \d+ ms · 5 B/);
  });

  it("checks the body for the expected result, both ways", async () => {
    const found = await run({ url: `${base}/ok`, result: "success" });
    expect(found.result).toMatchObject({ ok: true, httpStatus: 200 });
    const missing = await run({ url: `${base}/ok`, result: "all good" });
    expect(missing.result).toMatchObject({
      ok: false,
      httpStatus: 200,
      error: 'response does not contain "all good"',
    });
  });

  it("makes `times` requests and stops at the first failure", async () => {
    const r = await run({ url: `${base}/ok`, times: 3 });
    expect(r.result.ok).toBe(true);
    expect(seen).toHaveLength(3);
    expect((r.result.result as { requests: unknown[] }).requests).toHaveLength(3);
    expect(r.system).toContain("[3/3]");

    seen.length = 0;
    const failing = await run({ url: `${base}/status/500`, times: 3 });
    expect(failing.result).toMatchObject({ ok: false, httpStatus: 500 });
    expect(seen).toHaveLength(1);

    seen.length = 0;
    await run({ url: `${base}/ok`, times: 0 });
    expect(seen).toHaveLength(1);
  });

  it("follows redirects, up to 5", async () => {
    const r = await run({ url: `${base}/redirect`, result: "success" });
    expect(r.result).toMatchObject({ ok: true, httpStatus: 200 });
    expect(seen.map((s) => s.url)).toEqual(["/redirect", "/ok"]);
    expect(r.system).toMatch(/← 302 Found · \d+ ms\n/);
    expect(r.system).toContain("location: /ok\n");

    seen.length = 0;
    const post = await run({ url: `${base}/see-other`, method: "POST", data: "a=1" });
    expect(post.result.ok).toBe(true);
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ["POST", "/see-other", "a=1"],
      ["GET", "/ok", ""],
    ]);

    seen.length = 0;
    const loop = await run({ url: `${base}/loop` });
    expect(loop.result).toMatchObject({
      ok: false,
      httpStatus: 302,
      error: "too many redirects (more than 5)",
    });
    expect(seen).toHaveLength(6);
  });

  it("turns URL credentials into Basic auth and masks the password in the output", async () => {
    const url = `http://ops:s3cret@127.0.0.1:${targetPort}/ok`;
    const r = await run({ url });
    expect(r.result.ok).toBe(true);
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from("ops:s3cret").toString("base64")}`);
    expect(r.system).toContain(`→ GET http://ops:***@127.0.0.1:${targetPort}/ok`);
    expect(r.system).not.toContain("s3cret");
  });

  it("writes binary bodies as a note and caps long ones", async () => {
    const binary = await run({ url: `${base}/binary` });
    expect(binary.stdout).toBe("[binary body, 4 bytes]\n");
    const big = await run({ url: `${base}/big` });
    expect(big.result).toMatchObject({ ok: true, result: { requests: [{ bytes: 300 * 1024 }] } });
    expect(big.stdout.length).toBe(256 * 1024 + 1);
    expect(big.system).toContain("body truncated: showed the first 256.0 KiB of 300.0 KiB");
  });

  it("reuses one keep-alive connection across runs, and decodes compressed bodies", async () => {
    // A server of its own: the shared pool holds no connection to it yet.
    const sockets: (number | undefined)[] = [];
    const own = http.createServer((req, res) => {
      sockets.push(req.socket.remotePort);
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    });
    const url = `http://127.0.0.1:${await listen(own)}/`;
    try {
      for (let i = 0; i < 3; i++) {
        expect((await run({ url })).result.ok).toBe(true);
        // undici frees the connection in the turn after the body ends (jobs fire a second apart).
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      await close(own);
    }
    expect(sockets).toHaveLength(3);
    expect(new Set(sockets).size).toBe(1);

    const gz = await run({ url: `${base}/gzip`, result: "compressed" });
    expect(gz.result).toMatchObject({ ok: true, httpStatus: 200 });
    expect(gz.stdout).toBe("operation success, compressed\n");
    expect(seen[0]?.headers["user-agent"]).toMatch(/^Kairos\//);
  });

  it("reports a refused connection clearly", async () => {
    const spare = net.createServer();
    const port = await listen(spare);
    await close(spare);
    const r = await run({ url: `http://127.0.0.1:${port}/` });
    expect(r.result).toMatchObject({ ok: false, httpStatus: null });
    expect(r.result.error).toMatch(/ECONNREFUSED/);
  });

  it("returns promptly when aborted mid-request", async () => {
    const h = harness();
    const running = runHttp(ZHttpParams.parse({ url: `${base}/hang` }), h.ctx);
    await expect.poll(() => seen.length).toBe(1);
    const abortedAt = performance.now();
    h.controller.abort("timeout");
    const result = await running;
    expect(performance.now() - abortedAt).toBeLessThan(3000);
    expect(result).toMatchObject({ ok: false, error: "aborted" });
  });

  it("returns promptly when aborted while the body is still arriving", async () => {
    const h = harness();
    const running = runHttp(ZHttpParams.parse({ url: `${base}/slow-body` }), h.ctx);
    await expect.poll(() => seen.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const abortedAt = performance.now();
    h.controller.abort("cancel");
    const result = await running;
    expect(performance.now() - abortedAt).toBeLessThan(3000);
    expect(result).toMatchObject({ ok: false, error: "aborted" });
  });

  it("goes through an HTTP forward proxy", async () => {
    proxied.length = 0;
    const r = await run({
      url: `${base}/ok?via=proxy`,
      proxy: `http://127.0.0.1:${proxyPort}`,
      result: "success",
    });
    expect(r.result).toMatchObject({ ok: true, httpStatus: 200 });
    expect(proxied).toEqual([`${base}/ok?via=proxy`]);
    expect(seen.map((s) => s.url)).toEqual(["/ok?via=proxy"]);
    expect(r.system).toContain(`via proxy http://127.0.0.1:${proxyPort}/`);
  });

  it("goes through a SOCKS5 proxy", async () => {
    socksConnects.length = 0;
    const r = await run({
      url: `${base}/ok?via=socks`,
      proxy: `socks5://user:pw@127.0.0.1:${socksPort}`,
      result: "success",
    });
    expect(r.result).toMatchObject({ ok: true, httpStatus: 200 });
    expect(socksConnects).toEqual([`127.0.0.1:${targetPort}`]);
    expect(seen.map((s) => s.url)).toEqual(["/ok?via=socks"]);
    expect(r.system).toContain(`via proxy socks5://user:***@127.0.0.1:${socksPort}`);
  });
});
