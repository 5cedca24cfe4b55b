// npm run build's last step: every fingerprinted JavaScript, CSS and SVG file the browser
// loads from BUILD_DIR/client/assets gets brotli (best quality) and gzip (best level) twins
// beside it, made once here instead of on every request (server/static.ts serves the one a
// client accepts). Files under 1 KiB, or that would not shrink, are left alone.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const assets = join(process.env.BUILD_DIR ?? "build", "client", "assets");
const COMPRESSIBLE = /\.(js|mjs|css|svg|json|txt)$/;
let files = 0;
let before = 0;
let after = 0;
for (const name of readdirSync(assets)) {
  const path = join(assets, name);
  if (!COMPRESSIBLE.test(name) || statSync(path).size < 1024) continue;
  const body = readFileSync(path);
  const br = brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
  const gz = gzipSync(body, { level: 9 });
  if (br.length < body.length) writeFileSync(`${path}.br`, br);
  if (gz.length < body.length) writeFileSync(`${path}.gz`, gz);
  files++;
  before += body.length;
  after += br.length;
}
console.log(`precompress: ${files} assets, ${(before / 1024).toFixed(1)} KiB → ${(after / 1024).toFixed(1)} KiB with brotli`);
