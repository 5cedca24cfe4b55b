// What /apply sends before the applicant starts (issue 16: JS on any public page ≤ 110 KB
// compressed). The application form's rules (zod schemas and tldts' public suffix list,
// app/modules/applications/schema.ts) are loaded by the form on its first focus or press,
// not with the page: no module the page loads up front may hold them. Read from the
// production build's Remix manifest; the sizes themselves are `npm run bench`'s.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// Importing the server helper makes the run build first when the sources changed.
import type {} from "../helpers/server";

const ASSETS = join(process.env.BUILD_DIR ?? "build", "client", "assets");

interface Manifest {
  entry: { module: string; imports: string[] };
  routes: Record<string, { module: string; imports?: string[] }>;
}

function manifest(): Manifest {
  const file = readdirSync(ASSETS).find((f) => /^manifest-.*\.js$/.test(f))!;
  return JSON.parse(
    readFileSync(join(ASSETS, file), "utf8")
      .replace(/^window\.__remixManifest\s*=\s*/, "")
      .replace(/;\s*$/, ""),
  ) as Manifest;
}

const source = (module: string) => readFileSync(join(ASSETS, module.replace(/^\/assets\//, "")), "utf8");

describe("the /apply page's JavaScript", () => {
  it("loads the form's rules only when asked: no module loaded up front holds them", () => {
    const m = manifest();
    const upFront = new Set([m.entry.module, ...m.entry.imports]);
    for (const id of ["root", "routes/apply"])
      for (const module of [m.routes[id].module, ...(m.routes[id].imports ?? [])]) upFront.add(module);
    const holding = [...upFront].filter((module) => /publicSuffix|\(the website's domain\)/.test(source(module)));
    expect(holding).toEqual([]);
    // …and a module the form imports on demand does hold them.
    const all = readdirSync(ASSETS).filter((f) => f.endsWith(".js"));
    expect(all.some((f) => /publicSuffix/.test(readFileSync(join(ASSETS, f), "utf8")))).toBe(true);
  });
});
