// First step of `npm test`: make sure the browser end-to-end tests have a Chromium.
// Order: $CHROMIUM_PATH (when executable), /usr/bin/chromium, and otherwise, as root,
// install Debian's `chromium` package with apt-get. Exits 1 with instructions when
// none of that is possible.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, statSync } from "node:fs";

const SYSTEM_CHROMIUM = "/usr/bin/chromium";

function isExecutable(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function versionOf(path) {
  const result = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 20_000 });
  return result.status === 0 ? result.stdout.trim() : "version unknown";
}

function use(path, how) {
  console.log(`ensure-chromium: using ${path} (${versionOf(path)}), ${how}`);
  process.exit(0);
}

function fail(message) {
  console.error(`ensure-chromium: ${message}`);
  console.error(
    "ensure-chromium: the browser end-to-end tests need Chromium. Install it (as root: " +
      "`apt-get update && apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium " +
      "or Chrome executable.",
  );
  process.exit(1);
}

function run(command, args) {
  console.log(`ensure-chromium: running \`${[command, ...args].join(" ")}\``);
  const result = spawnSync(command, args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`\`${[command, ...args].join(" ")}\` exited with status ${result.status}`);
}

const fromEnv = process.env.CHROMIUM_PATH;
if (fromEnv) {
  if (isExecutable(fromEnv)) use(fromEnv, "from CHROMIUM_PATH");
  console.warn(`ensure-chromium: CHROMIUM_PATH=${fromEnv} is not an executable file; looking elsewhere`);
}

if (isExecutable(SYSTEM_CHROMIUM)) use(SYSTEM_CHROMIUM, "the system's Chromium");

if (process.getuid?.() !== 0) {
  fail(`no Chromium found at ${SYSTEM_CHROMIUM}, and installing one needs root.`);
}
if (!existsSync("/usr/bin/apt-get")) {
  fail(`no Chromium found at ${SYSTEM_CHROMIUM}, and apt-get is not available to install one.`);
}

console.log(`ensure-chromium: no Chromium at ${SYSTEM_CHROMIUM}; installing Debian's chromium package`);
run("apt-get", ["update"]);
run("apt-get", ["install", "-y", "chromium"]);
if (!isExecutable(SYSTEM_CHROMIUM)) fail(`apt-get finished but ${SYSTEM_CHROMIUM} is still missing.`);
use(SYSTEM_CHROMIUM, "installed just now with apt-get");
