// Debian's Chromium, headless, driven over the DevTools protocol by puppeteer-core (which never
// downloads a browser). Flags as the machine needs them (.library notes on Chromium here): root
// needs --no-sandbox; the background-networking flags keep Chromium from calling Google's hosts,
// which this machine's closed network refuses; a fresh profile per launch so no test sees
// another's cookies or passkeys.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { paths, requirePrerequisites } from './env.mjs';

export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The phone the portal is designed for (the issue: a 360-px-wide screen). */
export const PHONE_VIEWPORT = {
  width: 360, height: 780, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
};

/**
 * Launches headless Chromium with CHROMIUM_FLAGS and a new empty profile. Resolves to the
 * puppeteer Browser; its close() also removes the profile. Throws (never skips) when Chromium or
 * the npm packages are missing.
 */
export async function launchChromium() {
  requirePrerequisites();
  const { default: puppeteer } = await import('puppeteer-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'figurant-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: paths.chromium,
    headless: true,
    pipe: true,  // DevTools over a pipe: no debugging port for other tests to collide with
    userDataDir: profile,
    args: CHROMIUM_FLAGS,
    defaultViewport: PHONE_VIEWPORT,
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    await close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return browser;
}
