// What a browser on a slow network receives (issue 16): fingerprinted assets in the brotli
// or gzip twin the build made, immutable; pages the app renders past the response cache
// compressed as they stream; nothing compressed for a client that refuses it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const get = (path: string, acceptEncoding: string) => fetch(server.url + path, { headers: { "Accept-Encoding": acceptEncoding } });

async function firstScript(): Promise<string> {
  const page = await (await get("/signatories", "identity")).text();
  const src = /<script[^>]*src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1] ?? /"(\/assets\/[^"]+\.js)"/.exec(page)?.[1];
  expect(src, "the directory page loads a script from /assets").toBeTruthy();
  return src!;
}

describe("compressed answers", () => {
  it("serves an asset's brotli twin, then its gzip twin, then the plain file, each with Vary and for good", async () => {
    const path = await firstScript();
    const plain = await get(path, "identity");
    const plainBody = await plain.text();
    for (const [accept, encoding] of [
      ["br, gzip", "br"],
      ["gzip", "gzip"],
    ] as const) {
      const response = await get(path, accept);
      expect(response.headers.get("Content-Encoding")).toBe(encoding);
      expect(response.headers.get("Vary")).toMatch(/Accept-Encoding/);
      expect(response.headers.get("Cache-Control")).toMatch(/immutable/);
      expect(Number(response.headers.get("Content-Length"))).toBeLessThan(plainBody.length);
      expect(await response.text()).toBe(plainBody); // fetch decodes both
    }
    expect(plain.headers.get("Content-Encoding")).toBeNull();
    expect(plain.headers.get("Content-Type")).toMatch(/javascript/);
  });

  it("compresses a page rendered past the cache, and the CSV export as it streams", async () => {
    for (const path of ["/apply", "/signatories.csv?status=all"]) {
      const compressed = await get(path, "gzip");
      expect(compressed.headers.get("X-Cache")).toBeNull();
      expect(compressed.headers.get("Content-Encoding"), path).toBe("gzip");
      const text = await compressed.text();
      expect(text.length).toBeGreaterThan(500);
      const plain = await get(path, "identity");
      expect(plain.headers.get("Content-Encoding")).toBeNull();
      if (path.endsWith("all")) expect(text).toBe(await plain.text());
      else await plain.arrayBuffer();
    }
  });
});
