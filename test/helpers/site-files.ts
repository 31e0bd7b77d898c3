import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP server on 127.0.0.1 serving a site's daily files from memory. With
 * `honourRange` it answers `Range: bytes=N-` with 206 (or 416 past the end), as nginx does;
 * without, it always sends the whole file with 200, as some embedded servers do.
 */
export type SiteFileServer = {
  baseUrl: string;
  files: Map<string, Buffer>;
  requests: { path: string; range: string | null; status: number }[];
  close(): Promise<void>;
};

export async function startSiteFileServer(opts: { honourRange: boolean }): Promise<SiteFileServer> {
  const files = new Map<string, Buffer>();
  const requests: SiteFileServer["requests"] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] as string;
    const range = req.headers.range ?? null;
    const body = files.get(path);
    const answer = (status: number, headers: Record<string, string | number>, data?: Buffer) => {
      requests.push({ path, range, status });
      res.writeHead(status, headers);
      res.end(data);
    };
    if (!body) return answer(404, { "content-type": "text/plain" }, Buffer.from("not found"));
    const m = /^bytes=(\d+)-$/.exec(range ?? "");
    if (opts.honourRange && m) {
      const start = Number(m[1]);
      if (start >= body.length) return answer(416, { "content-range": `bytes */${body.length}` });
      const part = body.subarray(start);
      return answer(
        206,
        {
          "content-type": "text/plain",
          "content-range": `bytes ${start}-${body.length - 1}/${body.length}`,
          "content-length": part.length,
        },
        part,
      );
    }
    return answer(200, { "content-type": "text/plain", "content-length": body.length }, body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/site`,
    files,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
