// `npm start` builds only when the build is missing or older than the sources.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const output = `${process.env.BUILD_DIR ?? "build"}/server/index.js`;

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = ["app", "db", "public", "vite.config.ts", "package.json"].filter(existsSync);
const stale = !existsSync(output) || Math.max(...sources.map(newest)) > statSync(output).mtimeMs;
if (stale) {
  console.log("build: sources changed since the last build, building…");
  execSync("npx remix vite:build", { stdio: "inherit" });
} else {
  console.log("build: up to date");
}
