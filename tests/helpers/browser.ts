// One headless Chromium per test file (scripts/ensure-chromium.mjs finds or installs it),
// driven by playwright-core. Each context is a fresh, isolated profile: cookies and storage
// never leak from one journey into the next.
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

export interface TestBrowser {
  browser: Browser;
  /** A new isolated context; `javaScript: false` turns scripting off, as a visitor can. */
  newContext(options?: { javaScript?: boolean } & BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a new context (closing the page's context is the caller's job, or close()'s). */
  newPage(options?: { javaScript?: boolean } & BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Launches Chromium. Playwright gives every launch its own throw-away `--user-data-dir`
 * in the temporary directory (it refuses the flag in `args`) and removes it on close,
 * so each run starts from a fresh profile.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const executablePath = chromiumPath();
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (error) {
    throw new Error(
      `Could not launch Chromium at ${executablePath}: run \`node scripts/ensure-chromium.mjs\` ` +
        `(or \`apt-get install -y chromium\`), or set CHROMIUM_PATH.\n${error instanceof Error ? error.message : error}`,
    );
  }
  const contexts = new Set<BrowserContext>();

  const newContext: TestBrowser["newContext"] = async ({ javaScript = true, ...options } = {}) => {
    const context = await browser.newContext({
      javaScriptEnabled: javaScript,
      locale: "en-GB",
      timezoneId: "UTC",
      viewport: { width: 1280, height: 900 },
      ...options,
    });
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(20_000);
    contexts.add(context);
    context.once("close", () => contexts.delete(context));
    return context;
  };

  return {
    browser,
    newContext,
    async newPage(options) {
      const context = await newContext(options);
      return context.newPage();
    },
    async close() {
      await Promise.allSettled([...contexts].map((c) => c.close()));
      await browser.close();
    },
  };
}
