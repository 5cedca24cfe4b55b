// An HTTPS server on a free loopback port with a throw-away certificate (made by openssl for
// the names given), for the security.txt tests (issue 18). The certificate is trusted only
// where a test says so: passed as `ca` to an in-process check, or as NODE_EXTRA_CA_CERTS to a
// server under test. Answers are chosen per host name and path by the test.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestHttpsServer {
  port: number;
  /** The certificate (PEM) to trust. */
  ca: string;
  /** A file holding it, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** Answers by "host/path" (host without the port). */
  routes: Map<string, Handler>;
  /** Every request: host and path. */
  requests: string[];
  close(): Promise<void>;
}

export async function startHttpsServer(names: string[]): Promise<TestHttpsServer> {
  const dir = mkdtempSync(join(tmpdir(), "accord-https-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=Accord Registry test server",
      "-keyout",
      key,
      "-out",
      cert,
      "-addext",
      `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}`,
    ],
    { stdio: "ignore" },
  );
  const ca = readFileSync(cert, "utf8");
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, ca);
  const routes = new Map<string, Handler>();
  const requests: string[] = [];
  const server = createServer({ key: readFileSync(key), cert: ca }, (req, res) => {
    const host = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
    const route = `${host}${req.url ?? "/"}`;
    requests.push(route);
    const handler = routes.get(route);
    if (handler) handler(req, res);
    else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    ca,
    caFile,
    routes,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

/** A handler that answers with a status, headers and a body. */
export const answer =
  (status: number, body: string, headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" }): Handler =>
  (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
