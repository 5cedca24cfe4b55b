// Issue 16's measures: what a first visit transfers, and the mixed load (cached reads from
// many clients while two clients walk uncached broad searches, deep pages included, and a
// few applications arrive through the form).
import autocannon from "autocannon";
import http from "node:http";
import { existsSync, readFileSync, rmSync } from "node:fs";

/** A GET as a browser sends it on a first visit, its bytes counted as they travel. */
function rawGet(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { "accept-encoding": "br, gzip", ...headers } }, (res) => {
        let bytes = 0;
        const chunks = [];
        res.on("data", (chunk) => {
          bytes += chunk.length;
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, bytes, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

/** HTML + JS + CSS of a first visit to each page, compressed as sent (`br, gzip`), in bytes. */
export async function transferredBytes(baseUrl, paths) {
  const rows = [];
  for (const path of paths) {
    const page = await rawGet(baseUrl + path);
    // The page's own HTML, decoded to find what it loads (identity: the same document).
    const html = (await rawGet(baseUrl + path, { "accept-encoding": "identity" })).body.toString("utf8");
    const assets = new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]));
    let js = 0;
    let css = 0;
    for (const asset of assets) {
      const { bytes } = await rawGet(baseUrl + asset);
      if (asset.endsWith(".js")) js += bytes;
      else css += bytes;
    }
    rows.push({ path, html: page.bytes, js, css, total: page.bytes + js + css, files: assets.size });
  }
  return rows;
}

const WORDS = ["secure", "cloud", "data", "network", "systems", "global", "digital", "cyber", "soft", "tech"];

/** One client walking uncached broad searches page after page (deep pages included: up to
 * the last page a search lists), each address new, so the response cache never has it. */
async function walker(url, id, until, times, statuses) {
  let n = 0;
  while (Date.now() < until) {
    const word = WORDS[(n + id * 5) % WORDS.length];
    const page = 1 + ((n * 7 + id * 13) % 40);
    const api = n % 2 === 0;
    // Word, page and per_page vary together: an address comes back rarely in a run.
    const path = `${api ? "/api/v1/signatories" : "/signatories"}?q=${word}&page=${page}&per_page=${25 + (Math.floor(n / 20) % 10)}`;
    const started = performance.now();
    try {
      const res = await fetch(url + path, { headers: { "accept-encoding": "br, gzip" } });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    } catch {
      statuses.error = (statuses.error ?? 0) + 1;
    }
    times.push(performance.now() - started);
    n++;
  }
}

/** Applications through the form, as a browser sends them: the form's cookie and hidden
 * inputs, after the form's minimum fill time. One every `everyMs`. */
async function writer(url, until, everyMs, statuses) {
  const forms = [];
  let n = 0;
  const fetchForm = async () => {
    const res = await fetch(`${url}/apply`);
    const html = await res.text();
    const cookie = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
    const hidden = [...html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)].map((m) => m[0]);
    const fields = hidden.map((tag) => [/name="([^"]+)"/.exec(tag)?.[1], /value="([^"]*)"/.exec(tag)?.[1] ?? ""]).filter(([k]) => k);
    forms.push({ at: Date.now(), cookie, fields });
  };
  await fetchForm();
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    await fetchForm();
    const form = forms.find((f) => Date.now() - f.at > 2_500);
    if (!form) continue;
    forms.splice(forms.indexOf(form), 1);
    const id = `${process.pid}-${n++}-${Date.now() % 100000}`;
    const body = new URLSearchParams(form.fields.map(([k, v]) => [k, v.replace(/&amp;/g, "&").replace(/&quot;/g, '"')]));
    for (const [k, v] of Object.entries({
      name: `Bench Load Testing ${id}`,
      website: `https://www.bench-${id}.co.uk`,
      country: "GB",
      sector: "security",
      description: "A synthetic applicant sent by npm run bench to measure writes under load.",
      contact_name: "Bench Runner",
      contact_title: "Performance engineer",
      contact_email: `bench@bench-${id}.co.uk`,
      accept: "on",
    }))
      body.set(k, v);
    for (const pledge of ["stronger-defense", "no-offense", "capacity-building", "collective-action"]) body.append("pledges", pledge);
    try {
      const res = await fetch(`${url}/apply`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: form.cookie, origin: url },
        body,
      });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    } catch {
      statuses.error = (statuses.error ?? 0) + 1;
    }
  }
}

function quantile(sorted, q) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

/** Cached reads only (autocannon over `paths`, round robin), `seconds` long. */
export function cachedLoad(url, paths, seconds, connections) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        headers: { "accept-encoding": "br, gzip" },
        requests: paths.map((path) => ({ method: "GET", path })),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

/**
 * The mixed load against the server at `url` (process `pid`): autocannon's cached reads,
 * two search walkers and the writer at once, for `seconds`. The event-loop delay comes
 * from the server itself (BENCH_EVENT_LOOP_FILE, server/event-loop.ts) through SIGUSR2.
 */
export async function mixedLoad({ url, pid, eventLoopFile, cachedPaths, seconds, connections, walkers = 2, writeEveryMs = 1_000 }) {
  const eventLoop = async () => {
    rmSync(eventLoopFile, { force: true });
    process.kill(pid, "SIGUSR2");
    for (let i = 0; i < 100 && !existsSync(eventLoopFile); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    return JSON.parse(readFileSync(eventLoopFile, "utf8"));
  };
  await eventLoop(); // starts the server's histogram afresh
  const until = Date.now() + seconds * 1000;
  const searchTimes = [];
  const searchStatuses = {};
  const writeStatuses = {};
  const [cached] = await Promise.all([
    cachedLoad(url, cachedPaths, seconds, connections),
    ...Array.from({ length: walkers }, (_, id) => walker(url, id, until, searchTimes, searchStatuses)),
    writeEveryMs > 0 ? writer(url, until, writeEveryMs, writeStatuses) : Promise.resolve(),
  ]);
  const loop = await eventLoop();
  searchTimes.sort((a, b) => a - b);
  return {
    cached: {
      requests: cached.requests.total,
      rps: cached.requests.average,
      p50: cached.latency.p50,
      p99: cached.latency.p99,
      errors: cached.errors + cached.non2xx,
    },
    searches: { count: searchTimes.length, p50: quantile(searchTimes, 0.5), p99: quantile(searchTimes, 0.99), statuses: searchStatuses },
    writes: writeStatuses,
    eventLoop: loop,
  };
}
