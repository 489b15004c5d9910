// axe-core (npm, Deque) run inside the page: the issue asks for 0 serious or critical violations
// on every page.
import fs from 'node:fs';
import path from 'node:path';

import { paths } from './env.mjs';

let axeSource;

/**
 * Runs axe-core on the page as it is now, with its default rules (WCAG 2.0-2.2 A/AA and best
 * practices). axe.min.js is evaluated through DevTools rather than added as a <script>, so the
 * portal's Content-Security-Policy (script-src 'self') stays as it is and is tested as it is.
 * Resolves to the violations of impact "serious" or "critical": [{id, impact, help, nodes:
 * [CSS selectors]}], empty when there are none.
 */
export async function runAxe(page) {
  axeSource ??= fs.readFileSync(path.join(paths.nodeModules, 'axe-core', 'axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.map((n) => n.target.join(' ')) })));
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A violation list as lines a failing test prints: "id (impact): help — selectors". */
export function describeViolations(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.join(', ')}`)
    .join('\n');
}
