// Runs once per `vitest` run, before any test file: the browser and HTTP tests start the
// production server over BUILD_DIR (default ./build), so a build older than the sources
// would test old code. When the run holds such a test, build first if the sources changed
// (scripts/build-if-needed.mjs: ~0 s when current, a few seconds when not).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { buildIfNeeded } from "../../scripts/build-if-needed.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TESTS = join(ROOT, "tests");

/** The helpers that run the production build; a test reaching one of them needs a build. */
const RUNS_THE_BUILD = new Set(["tests/helpers/server.ts", "tests/security/process.ts"].map((file) => join(ROOT, file)));

const IMPORT = /(?:\bfrom|\bimport|\bimport\s*\()\s*["'](\.{1,2}\/[^"']+)["']/g;
const EXTENSIONS = ["", ".ts", ".tsx", ".mjs", ".js", "/index.ts"];

const verdicts = new Map<string, boolean>();

/** Whether a test file reaches, through relative imports within tests/, a helper that runs the build. */
export function needsBuild(file: string, seen = new Set<string>()): boolean {
  const path = resolve(file);
  const known = verdicts.get(path);
  if (known !== undefined) return known;
  if (RUNS_THE_BUILD.has(path)) return true;
  if (seen.has(path) || !path.startsWith(TESTS) || !existsSync(path)) return false;
  seen.add(path);
  let verdict = false;
  for (const [, specifier] of readFileSync(path, "utf8").matchAll(IMPORT)) {
    const base = resolve(dirname(path), specifier);
    const target = EXTENSIONS.map((ext) => base + ext).find((candidate) => RUNS_THE_BUILD.has(candidate) || existsSync(candidate));
    if (target && needsBuild(target, seen)) {
      verdict = true;
      break;
    }
  }
  verdicts.set(path, verdict);
  return verdict;
}

async function buildFor(files: string[]): Promise<void> {
  // The files of the run come from Vitest's state (experimental API); when it is not there,
  // or lists nothing, a stale build is rebuilt anyway.
  if (files.length > 0 && !files.some((file) => needsBuild(file))) return;
  await buildIfNeeded({ log: (line: string) => console.log(line) });
}

export default async function setup(project: TestProject): Promise<void> {
  await buildFor(project.vitest.state?.getPaths?.() ?? []);
  // Watch mode runs global setup once; a rerun after an edit rebuilds too.
  project.onTestsRerun(async (specifications) => {
    verdicts.clear();
    await buildFor(specifications.map((specification) => specification.moduleId));
  });
}
