// npm run build's second step (after `remix vite:build`): bundles server/ with esbuild
// into BUILD_DIR/server-main.js, beside the Remix build it serves (BUILD_DIR/server/,
// BUILD_DIR/client/), so production starts plain JavaScript, no TypeScript loader
// (docs/decisions/013-typed-server.md). Packages stay imports from node_modules; the
// app's plain modules that server/ uses (`~/…`) are bundled in. Run with tsx.
//
// The bundle must not carry its own copy of the database module or of React: those
// belong to the Remix build, reached through the hooks. The build fails if it would.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";

const outfile = join(process.env.BUILD_DIR ?? "build", "server-main.js");
const { engines } = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } };

/** App code that the server must reach through its hooks, never import. */
const APP_ONLY = /^(db\/|app\/(modules\/database\/|.*\.tsx$))/;
const APP_ONLY_PACKAGES = /^(react|react-dom|@remix-run\/react|kysely|better-sqlite3|pg)(\/|$)/;

const result = await build({
  entryPoints: ["server/index.ts"],
  outfile,
  bundle: true,
  packages: "external",
  platform: "node",
  format: "esm",
  target: `node${engines.node.replace(/^[^\d]*/, "")}`,
  tsconfig: "tsconfig.json",
  banner: { js: "// Built by server/build.ts from server/ (npm run build); edit the sources, not this file." },
  metafile: true,
  logLevel: "warning",
});

const problems = new Set([
  ...Object.keys(result.metafile.inputs).filter((input) => APP_ONLY.test(input)),
  ...Object.values(result.metafile.outputs).flatMap((output) =>
    output.imports.filter((i) => i.external && APP_ONLY_PACKAGES.test(i.path)).map((i) => i.path),
  ),
]);
if (problems.size > 0) {
  rmSync(outfile);
  console.error(`server build: server/ must reach these through the app's hooks, not import them:\n  ${[...problems].join("\n  ")}`);
  process.exit(1);
}

// The search pool's worker (docs/decisions/023): its own bundle, since a worker thread
// loads a file, not a module of the Remix build. It holds its own read-only connection,
// so it bundles the database module that server-main.js must not. Its packages are bundled
// in too (all but the native and logging ones): a thread that starts from one file is
// ready in a tenth of the time one that resolves kysely's hundreds of modules takes, and a
// worker replaced after a crash or a cancelled search starts while searches wait.
const worker = join(process.env.BUILD_DIR ?? "build", "search-worker.js");
await build({
  entryPoints: ["app/modules/search-pool/worker.ts"],
  outfile: worker,
  bundle: true,
  external: ["better-sqlite3", "pg", "pino"],
  platform: "node",
  format: "esm",
  target: `node${engines.node.replace(/^[^\d]*/, "")}`,
  tsconfig: "tsconfig.json",
  banner: {
    js: [
      "// Built by server/build.ts from app/modules/search-pool/worker.ts (npm run build).",
      // CommonJS packages in an ES module bundle still call require().
      'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    ].join("\n"),
  },
  logLevel: "warning",
});

const inputs = Object.keys(result.metafile.inputs);
console.log(
  `server build: ${relative(".", outfile)} from ${inputs.length} modules (${inputs.filter((i) => i.startsWith("app/")).join(", ")} from app/), ${relative(".", worker)}`,
);
