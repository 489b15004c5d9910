// Where the browser tests find their tools, and the check that they are all there.
//
// CTest (tests/CMakeLists.txt, figurant_browser_test) sets:
//   FIGURANT            the shipped `figurant` binary
//   FIGURANT_TESTCLOCK  its test build, which honours FIGURANT_NOW (pinned clocks)
//   FIGURANT_BROWSER_OUT  a folder in the build tree for what tests save (screenshots, weights)
// and optionally CHROMIUM (default /usr/bin/chromium, Debian's package).
//
// A missing prerequisite is a failure, never a skip: requirePrerequisites() throws with a message
// saying to run scripts/install-deps.sh.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** tests/browser, where package.json and node_modules are. */
export const browserDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function envPath(name, fallback) {
  const value = process.env[name];
  if (value) return value;
  if (fallback !== undefined) return fallback;
  throw new Error(`${name} is not set: run the browser tests through ctest ` +
                  `(ctest --test-dir build -L browser), which sets it`);
}

/** The paths every helper uses, read once from the environment. */
export const paths = {
  figurant: envPath('FIGURANT'),
  testclock: envPath('FIGURANT_TESTCLOCK'),
  out: envPath('FIGURANT_BROWSER_OUT'),
  chromium: envPath('CHROMIUM', '/usr/bin/chromium'),
  nodeModules: path.join(browserDir, 'node_modules'),
};

/**
 * Throws naming every missing prerequisite (Chromium, the npm packages, the figurant binaries).
 * Called before anything imports puppeteer-core, so a missing package is this message and not a
 * module-resolution error.
 */
export function requirePrerequisites() {
  const missing = [];
  const need = (file, what) => {
    if (!fs.existsSync(file)) missing.push(`${what} (${file})`);
  };
  need(paths.chromium, "Debian's chromium");
  need(path.join(paths.nodeModules, 'puppeteer-core', 'package.json'),
       'npm package puppeteer-core');
  need(path.join(paths.nodeModules, 'axe-core', 'axe.min.js'), 'npm package axe-core');
  need(paths.figurant, 'the figurant binary');
  need(paths.testclock, 'the figurant_testclock binary');
  if (missing.length > 0) {
    throw new Error(`missing: ${missing.join('; ')}. Run scripts/install-deps.sh (make deps) ` +
                    "to install Chromium and tests/browser's npm packages, then build.");
  }
  fs.mkdirSync(paths.out, { recursive: true });
}
