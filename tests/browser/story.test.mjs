// browser.story: issue 15's story end to end in headless Chromium, through the portal's own pages
// and buttons (typed codes, clicked buttons), with the WebAuthn virtual authenticator as the
// performer's phone. Done with the CLI, as an operator or a studio's pipeline does it: the
// operator's, studio's and auditor's users and their sign-in codes, the studio and its production,
// the performer's scan imported as their double (`scan import`), the renders (`figurant render`)
// and the ledger export and verification.
//
//   1. the operator signs in with a code on /login, adds a French performer and issues their
//      enrolment code on /operator (the printable slip shows it); the scan becomes their double;
//   2. on the performer's phone (a fresh browser context) the code is typed on /enrol, the
//      authenticator makes a passkey, and the performer lands on /me signed in;
//   3. the studio signs in with a code and makes the offer on /studio/offers/new (preview, then
//      make);
//   4. the performer opens the offer in French: the page shows the disclosure exactly as the bank
//      stored it (`figurant licence offer`) and as the studio's preview showed it, with no serious
//      or critical axe violation; they choose a representation and click Sign, the passkey signs,
//      and the licence is in force; a render uses the double beside another performer's (a
//      bystander standing half in front of her), and /me/appearances shows her crop of the plate
//      — the plate's own pixels where she is, transparent everywhere outside her, the bystander
//      included — and /me/statement what it earned; each performer's crop is theirs alone (404
//      to the other);
//   5. `ledger export` and `ledger verify` count the passkey signature, and the union auditor
//      uploads that export on /audit and the page shows it verified;
//   6. the performer revokes on the licence page; with a notice of 0 days it ends today, and the
//      next render refuses the double.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { describeViolations, runAxe } from './lib/axe.mjs';
import { launchChromium, PHONE_VIEWPORT } from './lib/browser.mjs';
import { requirePrerequisites } from './lib/env.mjs';
import { runFigurant, TestBank } from './lib/figurant.mjs';
import { PAGE_WEIGHT_LIMIT, RequestRecorder } from './lib/requests.mjs';
import { screenshot } from './lib/screenshot.mjs';
import { startServer } from './lib/server.mjs';
import { addVirtualAuthenticator } from './lib/webauthn.mjs';

const TODAY = '2026-06-01';
// MakeHuman's assets in the repository: what `scan import --makehuman` builds a double from.
const MAKEHUMAN = new URL('../../assets/makehuman', import.meta.url).pathname;
const PERFORMER_NAME = 'Élodie Fournier';
const started = Date.now();

let bank, server, browser;
const recorders = [];

before(async () => {
  requirePrerequisites();
  bank = new TestBank({ now: `${TODAY}T12:00:00Z`, tag: 'story' });
  server = await startServer(bank.bank, { now: bank.now });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  bank?.remove();
  console.log(`# browser.story wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

// A page in its own browser context (its own cookies and authenticator: one person's device),
// its requests to other hosts blocked and listed.
async function device() {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport(PHONE_VIEWPORT);
  page.on('dialog', (dialog) => dialog.accept());
  const recorder = await RequestRecorder.attach(page, server.origin);
  recorders.push(recorder);
  return { page, recorder };
}

// Clicks `selector` and waits for the navigation the click starts.
async function clickAndWait(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }),
                     page.click(selector)]);
}

// Types a one-time sign-in code on /login and waits for the page it leads to.
async function signInWithCode({ page, recorder }, code) {
  await recorder.load('/login');
  await page.type('#code', code);
  await clickAndWait(page, 'form[data-api="/api/v1/login/code"] button[type=submit]');
}

// Sets a control whose typing is locale-dependent (a date input) as a person's picker would,
// firing the events the page's scripts listen to.
async function setValue(page, selector, value) {
  await page.$eval(selector, (el, v) => {
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

// The page's status line once it says something.
async function statusText(page) {
  await page.waitForFunction(() => document.querySelector('[data-status]')?.textContent.trim());
  return page.$eval('[data-status]', (el) => el.textContent.trim());
}

// GET `p` of the API with the page's own session.
const apiGet = (page, p) => page.evaluate(async (u) => (await fetch(u)).json(), p);

// The story's licence as the API gives it to the performer's page.
const storyLicence = (page) =>
  apiGet(page, `/api/v1/performers/${story.performer}/licences/${story.licence}`);

const pathOf = (page) => new URL(page.url()).pathname;

// `figurant render` of one 480×270 frame of shot `shot` of the story's production with the
// performer's double 9 m from the camera and, when there is one, the bystander's 1.5 m nearer and
// 0.45 m to the side, hiding part of her: {code, out, err}.
function render(shot) {
  const scene = path.join(bank.dir, `${shot}.json`);
  const agents = [{ double: story.double, position: [0, 0, 0], name: 'elodie' }];
  if (story.bystander) {
    agents.push({ double: story.bystander.double, position: [0.45, 0, -1.5], name: 'bystander' });
  }
  fs.writeFileSync(scene, JSON.stringify({
    figurant_scene: 1, production: story.production, shot, seed: 5,
    camera: { position: [0, 1.4, -9], look_at: [0, 0.9, 0], resolution: [480, 270] },
    frames: { start: 1001, end: 1001, fps: 24 },
    render: { spp: 1, max_bounces: 0, output: `out/${shot}.####.exr` },
    agents,
  }));
  return runFigurant(['render', scene, '--quiet'], { bank: bank.bank, now: bank.now });
}

// PNG bytes (base64) as RGBA pixels, decoded by Chromium in a blank page of its own (the
// portal's pages allow no data: images): {width, height, data: [r, g, b, a, ...]}.
async function decodePng(base64) {
  const blank = await browser.newPage();
  try {
    return await blank.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d');
      context.drawImage(img, 0, 0);
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      return { width: canvas.width, height: canvas.height, data: Array.from(data) };
    }, base64);
  } finally {
    await blank.close();
  }
}

// GET `url` with the page's own session: {status, base64} of the body.
const fetchBytes = (page, url) => page.evaluate(async (u) => {
  const r = await fetch(u);
  let text = '';
  for (const b of new Uint8Array(await r.arrayBuffer())) text += String.fromCharCode(b);
  return { status: r.status, base64: btoa(text) };
}, url);

// The crop's region in the frame, as docs/portal.md ("Appearance crops") specifies it: the
// agent's box padded by 8 % of its longest side, clamped to the frame.
function cropRegion([x0, y0, x1, y1], width, height) {
  const pad = Math.ceil(0.08 * (Math.max(x1 - x0, y1 - y0) + 1));
  return [Math.max(0, x0 - pad), Math.max(0, y0 - pad),
          Math.min(width - 1, x1 + pad), Math.min(height - 1, y1 + pad)];
}

// What the steps hand on to the next.
const story = {};

test('1. the operator adds a French performer and issues their enrolment code', async () => {
  const operator = await device();
  await signInWithCode(operator, bank.signInCode(bank.addUser('operator')));
  const { page, recorder } = operator;
  await recorder.load('/operator');
  await page.type('#new-name', PERFORMER_NAME);
  await page.select('#new-language', 'fr');
  await clickAndWait(page, 'form[data-api="/api/v1/performers"] button[type=submit]');
  story.performer = await page.$$eval('tr[data-performer]', (rows, name) =>
    rows.find((r) => r.cells[0].textContent === name)?.dataset.performer, PERFORMER_NAME);
  assert.match(story.performer ?? '', /^per_/, 'the new performer is listed');

  await page.select('#invite-performer', story.performer);
  await page.select('#invite-signer', 'performer');
  await clickAndWait(page, 'form[data-invite] button[type=submit]');
  assert.equal(pathOf(page), '/operator/invites/slip');
  await page.waitForSelector('[data-slip]:not([hidden])');
  story.code = await page.$eval('[data-slip] [data-code]', (el) => el.textContent.trim());
  assert.ok(story.code.length >= 8, `an enrolment code on the slip: "${story.code}"`);
  assert.equal(await page.$eval('[data-slip]', (el) => el.lang), 'fr', 'the slip is in French');
});

test("2. on the performer's phone, the code and a passkey enrol them and open /me", async () => {
  story.phone = await device();
  const { page, recorder } = story.phone;
  story.authenticator = await addVirtualAuthenticator(page);
  await recorder.load('/enrol');
  await page.type('#enrol-code', story.code);
  await clickAndWait(page, 'form[data-passkey-enrol] button[type=submit]');
  assert.equal(pathOf(page), '/me', `after enrolment: ${page.url()}`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
  const session = await apiGet(page, '/api/v1/session');
  assert.equal(session.role, 'performer');
  assert.equal((await story.authenticator.credentials()).length, 1, 'the passkey is on the phone');
});

// The scan day's double of the enrolled performer (the operator's CLI, as tests/render_bank.cpp).
test("2b. the operator imports the performer's scan as their double", () => {
  const body = path.join(bank.dir, 'body.json');
  fs.writeFileSync(body, JSON.stringify({ gender: 1, height: 0.5 }));
  story.double = bank.json(['scan', 'import', '--performer', story.performer, '--makehuman',
                            MAKEHUMAN, '--body', body]).id;
  assert.match(story.double, /^dbl_/);
});

test('3. the studio makes the offer on /studio/offers/new', async () => {
  const studio = bank.addStudio('Studios du Port');
  story.studio = studio;
  story.production = bank.addProduction(studio, 'Marché de nuit');
  const desk = await device();
  await signInWithCode(desk, bank.signInCode(bank.addUser('studio', studio.id)));
  const { page, recorder } = desk;
  await recorder.load('/studio/offers/new');
  await page.type('#performer', story.performer);
  await page.click(`input[name="terms.productions"][value="${story.production}"]`);
  await page.click('input[name="terms.media"][value="streaming"]');
  await setValue(page, '#valid_from', '2026-01-01');
  await setValue(page, '#valid_until', '2027-12-31');
  await page.$eval('#max_height', (el) => { el.value = ''; });
  await page.type('#max_height', '0.6');
  await page.$eval('#per_screen_second', (el) => { el.value = ''; });
  await page.type('#per_screen_second', '2');
  await page.$eval('#notice', (el) => { el.value = ''; });
  await page.type('#notice', '0');
  await page.click('button[data-action="preview"]');
  await page.waitForFunction(() => !document.querySelector('[data-preview]').hidden ||
    [...document.querySelectorAll('[data-error-for], [data-status]')].some((e) => e.textContent));
  const refused = await page.$$eval('[data-error-for], [data-status]',
    (els) => els.filter((e) => e.textContent.trim())
      .map((e) => `${e.dataset.errorFor ?? 'status'}: ${e.textContent.trim()}`).join(' | '));
  assert.equal(refused, '', 'the preview is refused');
  story.preview = await page.$eval('[data-disclosure]', (el) => el.textContent);
  await page.click('button[data-action="offer"]');
  const said = await statusText(page);
  story.licence = said.match(/lic_[0-9a-z]+/)?.[0];
  assert.ok(story.licence, `the offer is made: "${said}"`);
});

test('4. the performer reads the offer in French and signs it with the passkey', async () => {
  const { page, recorder } = story.phone;
  const offerFile = path.join(bank.dir, 'offer.json');
  bank.json(['licence', 'offer', story.licence, '--out', offerFile]);
  const offer = JSON.parse(fs.readFileSync(offerFile, 'utf8'));
  assert.equal(offer.language, 'fr');

  await recorder.load(`/me/offers/${story.licence}?lang=fr`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
  const shown = await page.$eval('.disclosure', (el) => el.textContent);
  assert.equal(shown, offer.disclosure_text, 'the page shows the exact disclosure');
  assert.equal(shown, story.preview, "the studio's preview was what the performer reads");
  assert.match(await page.$eval('main', (el) => el.textContent), /Signer|signer/);
  const violations = await runAxe(page);
  assert.deepEqual(violations, [], describeViolations(violations));
  await screenshot(page, 'story-offer');

  await page.select('#representation', 'union');
  await clickAndWait(page, 'button[data-passkey-sign]');
  assert.equal(pathOf(page), `/me/licences/${story.licence}`);
  const licence = await storyLicence(page);
  assert.equal(licence.state, 'active', JSON.stringify(licence));
  const [credential] = await story.authenticator.credentials();
  assert.ok(credential.signCount >= 1, 'the passkey signed');

});

// Another performer of the same production, licensed on their own device (the CLI), who signs in
// to the portal with a code.
test('4a. a bystander: another performer with a double and a signed licence', async () => {
  const performer = bank.addPerformer('Bystander');
  const body = path.join(bank.dir, 'bystander.json');
  fs.writeFileSync(body, JSON.stringify({ gender: 0, height: 0.8 }));
  const double = bank.json(['scan', 'import', '--performer', performer, '--makehuman', MAKEHUMAN,
                            '--body', body]).id;
  const { user, keyFile } = bank.addPerformerWithKeyFile(performer);
  const licence = bank.draftLicence(performer, story.studio, {
    productions: [story.production], uses: ['background'], media: ['streaming'],
    territories: ['worldwide'], valid_from: '2026-01-01', valid_until: '2027-12-31',
    max_screen_height_fraction: 0.9, compensation: { currency: 'EUR', per_screen_second: 2.0 },
    revocable: true, revocation_notice_days: 0,
  });
  bank.signOnDevice(keyFile, licence);
  story.bystander = { performer, double, user };
});

test('4b. a render uses the double: /me/appearances shows her crop, /me/statement what it earned',
  async () => {
  const rendered = render('sh010');
  assert.equal(rendered.code, 0, rendered.err);
  const { page, recorder } = story.phone;
  const load = await recorder.load('/me/appearances');
  const list = load.requests.map((q) => `${new URL(q.url).pathname} ${q.bytes} B`).join(', ');
  console.log(`# /me/appearances with its crop: ${load.bytes} bytes (${list})`);
  assert.ok(load.bytes < PAGE_WEIGHT_LIMIT, list);
  assert.ok(load.requests.some((q) => /\/crops\/crp_/.test(q.url) && q.status === 200), list);
  const appearances = await page.$eval('main', (el) => el.textContent);
  assert.match(appearances, /sh010/, appearances);
  assert.ok(appearances.includes(story.production), appearances);

  // The crop on the page: loaded from the bank, the plate's pixels where she is and nothing
  // outside her — the ground, the sky and the bystander in front of her are transparent.
  const img = await page.waitForSelector('td.crop img');
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, {}, img);
  const src = await img.evaluate((el) => el.getAttribute('src'));
  assert.match(src, new RegExp(`^/api/v1/performers/${story.performer}/crops/crp_[0-9a-f]{16}$`));
  const crop = await decodePng((await fetchBytes(page, src)).base64);
  const coverage = JSON.parse(fs.readFileSync(
    path.join(bank.dir, 'out', 'sh010.1001.coverage.json'), 'utf8'));
  const boxOf = (name) => coverage.agents.find((a) => a.agent === name).bbox;
  const [ex0, ey0, ex1, ey1] = boxOf('elodie');
  const [bx0, by0, bx1, by1] = boxOf('bystander');
  const [rx0, ry0, rx1, ry1] = cropRegion(boxOf('elodie'), coverage.width, coverage.height);
  assert.deepEqual([crop.width, crop.height], [rx1 - rx0 + 1, ry1 - ry0 + 1]);
  const plate = await decodePng(
    fs.readFileSync(path.join(bank.dir, 'out', 'sh010.1001.png')).toString('base64'));
  let outside = 0, bystanderInRegion = 0, opaque = 0;
  for (let y = 0; y < crop.height; ++y) {
    for (let x = 0; x < crop.width; ++x) {
      const fx = rx0 + x, fy = ry0 + y;
      const at = (y * crop.width + x) * 4, plateAt = (fy * plate.width + fx) * 4;
      const alpha = crop.data[at + 3];
      if (fx < ex0 || fx > ex1 || fy < ey0 || fy > ey1) {
        ++outside;
        assert.equal(alpha, 0, `crop pixel ${x},${y} is outside the performer and must be clear`);
      }
      if (fx >= bx0 && fx <= bx1 && fy >= by0 && fy <= by1) ++bystanderInRegion;
      if (alpha === 255) {
        ++opaque;
        for (let c = 0; c < 3; ++c) {
          assert.ok(Math.abs(crop.data[at + c] - plate.data[plateAt + c]) <= 1,
            `crop pixel ${x},${y} is the plate's own`);
        }
      }
    }
  }
  assert.ok(outside > 0 && opaque > 100, `outside ${outside}, opaque ${opaque}`);
  assert.ok(bystanderInRegion > 20, 'the bystander stands inside the crop\'s region');
  story.crop = src;
  const violations = await runAxe(page);
  assert.deepEqual(violations, [], describeViolations(violations));
  await screenshot(page, 'story-appearances');
  await recorder.load('/me/statement');
  const statement = await page.$eval('main', (el) => el.textContent);
  assert.ok(statement.includes(story.production), statement);
  assert.match(statement, /0,08/, `1 frame at 24 fps, 2 EUR a second: ${statement}`);
  await screenshot(page, 'story-statement');
});

test("4c. each performer's crop is theirs alone", async () => {
  const other = await device();
  await signInWithCode(other, bank.signInCode(story.bystander));
  await other.recorder.load('/me/appearances');
  const img = await other.page.waitForSelector('td.crop img');
  const theirs = await img.evaluate((el) => el.getAttribute('src'));
  assert.match(theirs, new RegExp(`^/api/v1/performers/${story.bystander.performer}/crops/`));
  assert.equal((await fetchBytes(other.page, theirs)).status, 200);
  const { page } = story.phone;
  const hidden = [theirs, story.crop.replace(story.performer, story.bystander.performer),
                  theirs.replace(story.bystander.performer, story.performer)];
  for (const url of hidden) {
    assert.equal((await fetchBytes(page, url)).status, 404, `${url} as the story's performer`);
  }
  assert.equal((await fetchBytes(other.page, story.crop)).status, 404, 'hers, as the bystander');
});

// Every number named `key` anywhere in `value`.
function countsOf(value, key) {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    (k === key && typeof v === 'number' ? [v] : countsOf(v, key)));
}

test('5. the export verifies the passkey signature, by the CLI and on /audit', async () => {
  const exported = path.join(bank.dir, 'ledger-export.log');
  bank.json(['ledger', 'export', exported]);
  const report = bank.json(['ledger', 'verify', exported]);
  const passkeys = countsOf(report, 'passkey_verified');
  assert.ok(passkeys.length > 0 && passkeys.every((n) => n >= 1), JSON.stringify(report));

  const union = bank.addUnion('Syndicat des figurants');
  const auditor = await device();
  await signInWithCode(auditor, bank.signInCode(bank.addUser('union', union.id)));
  const { page, recorder } = auditor;
  await recorder.load('/audit');
  await (await page.$('#export')).uploadFile(exported);
  await page.click('form[data-ledger-upload] button[type=submit]');
  await page.waitForFunction(() => document.querySelector('[data-upload-result]')
    ?.textContent.trim());
  const result = await page.$eval('[data-upload-result]', (el) => ({
    text: el.textContent,
    verified: el.querySelector('[data-field="consents.verified"]')?.textContent,
    passkeys: el.querySelector('[data-field="consents.passkey_verified"]')?.textContent,
    invalid: !!el.querySelector('.attention'),
  }));
  assert.equal(result.invalid, false, result.text);
  assert.ok(Number(result.verified) >= 1, `consent signatures verified: ${result.text}`);
  assert.ok(Number(result.passkeys) >= 1, `passkey signatures verified: ${result.text}`);
});

test('6. the performer revokes; with no notice it ends today', async () => {
  const { page, recorder } = story.phone;
  await recorder.load(`/me/licences/${story.licence}`);
  await clickAndWait(page, `form[data-api$="/licences/${story.licence}/revoke"] ` +
                           'button[type=submit]');
  assert.equal(pathOf(page), `/me/licences/${story.licence}`);
  const licence = await storyLicence(page);
  assert.equal(licence.revoked_from, TODAY, JSON.stringify(licence));
  assert.match(await page.$eval('main', (el) => el.textContent), /retiré/);

  const refused = render('sh020');
  assert.equal(refused.code, 3, `the render after the revocation: ${refused.err}`);
  assert.match(refused.err, /revoked/);
});

test('no page asked another host for anything', () => {
  for (const recorder of recorders) recorder.assertNoForeignRequests();
});
