// browser.harness: the browser-test infrastructure works end to end on a fresh bank. Chromium
// opens the portal at http://localhost:PORT, a virtual authenticator makes an ES256 passkey there
// with navigator.credentials.create and signs with it through navigator.credentials.get (each
// checked here as the server will: origin, RP id hash, flags, the signature over authenticatorData
// ‖ SHA-256(clientDataJSON)), the bank helpers make users who log in, the portal's pages that
// exist have no serious or critical axe-core violation and weigh under 200 KB each, and no request
// leaves the portal's host.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';

import { describeViolations, runAxe } from './lib/axe.mjs';
import { launchChromium } from './lib/browser.mjs';
import { requirePrerequisites } from './lib/env.mjs';
import { TestBank } from './lib/figurant.mjs';
import { PAGE_WEIGHT_LIMIT, RequestRecorder } from './lib/requests.mjs';
import { screenshot } from './lib/screenshot.mjs';
import { apiLogIn, apiLogInWithCode, signInPage, startServer } from './lib/server.mjs';
import {
  addVirtualAuthenticator, COSE_ES256, createPasskey, getAssertion,
} from './lib/webauthn.mjs';

// Authenticator data flags (WebAuthn Level 3, §6.1): user present, user verified, attested
// credential data included.
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;
const RP_ID_HASH_BYTES = 32;

let bank, server, browser, page, recorder;

before(async () => {
  requirePrerequisites();
  bank = new TestBank({ tag: 'harness' });
  server = await startServer(bank.bank, { now: bank.now });
  browser = await launchChromium();
  page = await browser.newPage();
  recorder = await RequestRecorder.attach(page, server.origin);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  bank?.remove();
});

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest();
const fromB64u = (s) => Buffer.from(s, 'base64url');

// clientDataJSON as the server reads it, checked for type, challenge and origin.
function checkClientData(b64u, type, challenge) {
  const data = JSON.parse(fromB64u(b64u).toString('utf8'));
  assert.equal(data.type, type);
  assert.equal(data.challenge, challenge);
  assert.equal(data.origin, server.origin);
}

// authenticatorData: the RP id hash is SHA-256("localhost") and `flags` are all set.
function checkAuthenticatorData(b64u, flags) {
  const data = fromB64u(b64u);
  assert.deepEqual(data.subarray(0, RP_ID_HASH_BYTES), sha256('localhost'));
  assert.equal(data[RP_ID_HASH_BYTES] & flags, flags, `flags 0x${data[32].toString(16)}`);
}

test('the portal origin is a secure context on localhost', async () => {
  await recorder.load('/');
  assert.equal(await page.evaluate(() => location.origin), server.origin);
  assert.equal(await page.evaluate(() => window.isSecureContext), true);
});

test('a passkey is made and signs in that origin', async () => {
  const authenticator = await addVirtualAuthenticator(page);
  const challenge = crypto.randomBytes(32).toString('base64url');
  const made = await createPasskey(page, {
    challenge, userId: crypto.randomBytes(16).toString('base64url'), userName: 'performer',
  });
  assert.ok(fromB64u(made.rawId).length >= 16, 'a credential id');
  assert.equal(made.id, made.rawId);
  assert.equal(made.publicKeyAlgorithm, COSE_ES256);
  const publicKey = crypto.createPublicKey({ key: fromB64u(made.publicKey), format: 'der',
                                             type: 'spki' });
  assert.equal(publicKey.asymmetricKeyDetails.namedCurve, 'prime256v1');
  checkClientData(made.clientDataJSON, 'webauthn.create', challenge);
  checkAuthenticatorData(made.authenticatorData, FLAG_UP | FLAG_UV | FLAG_AT);
  assert.equal((await authenticator.credentials()).length, 1);

  const getChallenge = crypto.randomBytes(32).toString('base64url');
  const got = await getAssertion(page, { challenge: getChallenge, rawId: made.rawId });
  assert.equal(got.rawId, made.rawId);
  checkClientData(got.clientDataJSON, 'webauthn.get', getChallenge);
  checkAuthenticatorData(got.authenticatorData, FLAG_UP | FLAG_UV);
  const signed = Buffer.concat([fromB64u(got.authenticatorData),
                                sha256(fromB64u(got.clientDataJSON))]);
  assert.ok(crypto.verify('sha256', signed, publicKey, fromB64u(got.signature)),
            'the ES256 signature verifies with the public key from create');
  const tampered = Buffer.from(signed);
  tampered[tampered.length - 1] ^= 1;
  assert.ok(!crypto.verify('sha256', tampered, publicKey, fromB64u(got.signature)));
  await authenticator.remove();
});

test('the bank helpers make users who log in', async () => {
  const performer = bank.addPerformer('Harness Performer', 'fr');
  const device = bank.addPerformerUser(performer);
  const session = await apiLogIn(server, device);
  assert.equal(session.cookie.name, '__Host-figurant_session');
  assert.match(session.csrf, /^[0-9a-f]{64}$/);
  const studio = bank.addStudio('Harness Studio');
  const production = bank.addProduction(studio, 'Harness Film');
  const licence = bank.draftLicence(performer, studio, {
    productions: [production], uses: ['background'], media: ['streaming'],
    territories: ['worldwide'], valid_from: '2026-01-01', valid_until: '2027-12-31',
    max_screen_height_fraction: 0.5, compensation: { currency: 'EUR', per_screen_second: 2.0 },
    revocable: true, revocation_notice_days: 0,
  });
  const offers = await fetch(`${server.origin}/api/v1/performers/${performer}/offers`, {
    headers: { Cookie: `${session.cookie.name}=${session.cookie.value}` },
  });
  assert.equal(offers.status, 200);
  assert.ok((await offers.text()).includes(licence), 'the draft is offered to the performer');
});

test('a page signed in carries the session to the server', async () => {
  const operator = bank.addUser('operator');
  await signInPage(page, server, await apiLogIn(server, operator));
  await recorder.load('/');
  const seen = await page.evaluate(async () => {
    const r = await fetch('/api/v1/session');
    return { status: r.status, body: await r.json(), cookies: document.cookie };
  });
  assert.equal(seen.status, 200);
  assert.equal(seen.body.user, operator.user);
  assert.equal(seen.body.role, 'operator');
  assert.match(seen.cookies, /__Host-figurant_csrf=[0-9a-f]{64}/, 'the CSRF cookie is readable');
  assert.doesNotMatch(seen.cookies, /figurant_session/, 'the session cookie is not');
});

// The portal's pages as the browser gets them, each: answered 200 at its own path (after any
// redirect), no serious or critical axe-core violation, under PAGE_WEIGHT_LIMIT, and a phone
// screenshot saved under its name. Every page is checked before the test fails, so one run names
// every problem.
async function checkPages(pages) {
  const problems = [];
  for (const [path, shot] of pages) {
    const load = await recorder.load(path);
    if (load.status !== 200 || page.url() !== new URL(path, server.origin).href) {
      problems.push(`${path}: answered ${load.status} at ${page.url()}`);
      continue;
    }
    const violations = await runAxe(page);
    if (violations.length > 0) problems.push(`${path}:\n${describeViolations(violations)}`);
    const list = load.requests.map((q) => `${new URL(q.url).pathname} ${q.bytes} B`).join(', ');
    if (load.bytes >= PAGE_WEIGHT_LIMIT) problems.push(`${path} weighs ${load.bytes} B: ${list}`);
    console.log(`# ${path}: ${load.bytes} bytes in ${load.requests.length} responses (${list})`);
    await screenshot(page, shot);
  }
  assert.deepEqual(problems, [], problems.join('\n'));
}

const forgetCookies = async () => page.deleteCookie(...(await page.cookies(server.origin)));

// Terms a studio offers in these tests (docs/licence.md).
const terms = (production) => ({
  productions: [production], uses: ['background'], media: ['streaming'],
  territories: ['worldwide'], valid_from: '2026-01-01', valid_until: '2027-12-31',
  max_screen_height_fraction: 0.5, compensation: { currency: 'EUR', per_screen_second: 2.0 },
  revocable: true, revocation_notice_days: 30,
});

test('the public pages: log-in (English and French) and enrolment', async () => {
  await forgetCookies();
  await checkPages([['/login', 'login'], ['/enrol', 'enrol']]);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await checkPages([['/login?lang=fr', 'login-fr']]);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
});

test("the performer's pages, with an offer waiting and a signed licence", async () => {
  await forgetCookies();
  const performer = bank.addPerformer('Camille Martin');
  const device = bank.addPerformerWithKeyFile(performer);
  const studio = bank.addStudio('Harbour Pictures');
  const production = bank.addProduction(studio, 'Night Market');
  const offer = bank.draftLicence(performer, studio, terms(production));
  const licence = bank.draftLicence(performer, studio, terms(production));
  bank.signOnDevice(device.keyFile, licence);
  await signInPage(page, server, await apiLogInWithCode(server, bank.signInCode(device)));
  const home = await recorder.load('/');
  assert.equal(new URL(page.url()).pathname, '/me', 'the home page sends a performer to /me');
  assert.deepEqual(home.requests.map((q) => q.status).slice(0, 2), [303, 200], 'redirect, page');
  await checkPages([
    ['/me', 'performer-home'], [`/me/offers/${offer}`, 'performer-offer'],
    [`/me/licences/${licence}`, 'performer-licence'], ['/me/appearances', 'performer-appearances'],
    ['/me/statement', 'performer-statement'], ['/me/data', 'performer-data'],
  ]);
});

test("the union auditor's pages", async () => {
  await forgetCookies();
  const union = bank.addUnion('Harness Union');
  await signInPage(page, server, await apiLogIn(server, bank.addUser('union', union.id)));
  await checkPages([['/audit', 'union-audit'], ['/audit/members', 'union-members'],
                    ['/audit/strikes', 'union-strikes']]);
});

test("the studio's and the operator's pages", async () => {
  await forgetCookies();
  const studio = bank.addStudio('Lighthouse Films');
  const production = bank.addProduction(studio, 'Low Tide');
  await signInPage(page, server, await apiLogIn(server, bank.addUser('studio', studio.id)));
  await checkPages([['/studio', 'studio-home'],
                    [`/studio/productions/${production}`, 'studio-production'],
                    ['/studio/offers/new', 'studio-offer-new']]);
  await forgetCookies();
  await signInPage(page, server, await apiLogIn(server, bank.addUser('operator')));
  const performer = bank.addPerformer('Slip Performer', 'fr');
  await checkPages([['/operator', 'operator-home'],
                    [`/operator/invites/slip?performer=${performer}`, 'operator-slip']]);
});

test("a sign-in code typed on /login opens the performer's home", async () => {
  await forgetCookies();
  const performer = bank.addPerformer('Code Performer');
  const device = bank.addPerformerUser(performer);
  await recorder.load('/login');
  await page.type('#code', bank.signInCode(device));
  await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }),
                     page.click('form[data-api="/api/v1/login/code"] button[type=submit]')]);
  assert.equal(new URL(page.url()).pathname, '/me');
  const session = await page.evaluate(async () => (await fetch('/api/v1/session')).json());
  assert.equal(session.user, device.user);
});

test('another host: no script reaches it; the recorder blocks a navigation to it', async () => {
  const other = await browser.newPage();
  const watched = await RequestRecorder.attach(other, server.origin);
  await watched.load('/login');
  // The portal's Content-Security-Policy stops a script's request before it is made.
  const outcome = await other.evaluate(
    () => fetch('http://192.0.2.1/track.gif').then(() => 'sent', (e) => e.name));
  assert.equal(outcome, 'TypeError');
  assert.deepEqual(watched.foreign, []);
  // A navigation is not the page's to stop: the recorder aborts it and the load fails.
  await assert.rejects(watched.load('http://192.0.2.1/track.gif'), /ERR_BLOCKED_BY_CLIENT/);
  assert.deepEqual(watched.foreign, ['http://192.0.2.1/track.gif']);
  assert.throws(() => watched.assertNoForeignRequests(), /192\.0\.2\.1/);
  await other.close();
});

test('no request went to another host', () => {
  recorder.assertNoForeignRequests();
});
