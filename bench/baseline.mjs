// The benchmark's baseline: a bare node:http server, in its own process like the app, that
// answers each captured path with the exact status, headers and bytes the app sent.
// Reads the captures (JSON: path → { status, headers, body as base64 }) from the file
// named by its argument and prints its port on stdout when listening.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const captured = new Map(
  Object.entries(JSON.parse(readFileSync(process.argv[2], "utf8"))).map(([path, c]) => {
    const body = Buffer.from(c.body, "base64");
    return [path, { status: c.status, headers: { ...c.headers, "content-length": String(body.length) }, body }];
  }),
);

const server = createServer((req, res) => {
  const hit = captured.get(req.url);
  if (!hit) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(hit.status, hit.headers);
  res.end(hit.body);
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
process.once("SIGTERM", () => process.exit(0));
