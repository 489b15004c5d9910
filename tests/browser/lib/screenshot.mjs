// Screenshots of pages on the phone the portal is designed for, saved in the build tree
// ($FIGURANT_BROWSER_OUT/screenshots/NAME.png). scripts/update-screenshots.sh copies them into
// docs/images/portal/, where README.md shows them.
import fs from 'node:fs';
import path from 'node:path';

import { PHONE_VIEWPORT } from './browser.mjs';
import { paths } from './env.mjs';

/**
 * Sets `page` to the phone viewport (360×780 CSS pixels, device scale factor 2) and saves the
 * whole page as PNG under NAME (letters, digits, "-" and "_"). Resolves to the file's path.
 */
export async function screenshot(page, name) {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new Error(`screenshot name ${name}: letters, digits, - and _ only`);
  }
  const dir = path.join(paths.out, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.setViewport(PHONE_VIEWPORT);
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
