// `figurant serve` on a test's bank, reached as a browser must reach it: http://localhost:PORT.
//
// WebAuthn forbids an IP address as the relying party id, and "localhost" is a secure context (so
// passkeys and the `Secure` session cookie work without TLS). A loopback server without TLS gives
// `http://localhost:PORT` as its origin (docs/api.md, "Running the server"), the origin it binds
// into log-in signatures and passkey checks; the server is started on 127.0.0.1 with port 0 (a
// free one) and the browser sent to that origin.
import { spawn } from 'node:child_process';
import readline from 'node:readline';

import { paths } from './env.mjs';

// How long the server may take to print its listening line. [Units: ms]
const START_TIMEOUT_MS = 30000;

/**
 * Starts `figurant --bank BANK serve --listen 127.0.0.1:0 ARGS` (the test build with FIGURANT_NOW
 * when `now` is given) and resolves once it listens, with {url, origin, port, stop()}: `url` is
 * the portal's root, `origin` the server's own (checked to be http://localhost:PORT). Rejects with
 * the server's stderr when it exits or says nothing within START_TIMEOUT_MS. stop() sends SIGTERM
 * and resolves when it has exited.
 */
export async function startServer(bank, { now, args = [] } = {}) {
  const env = { ...process.env };
  delete env.FIGURANT_NOW;
  if (now) env.FIGURANT_NOW = now;
  const child = spawn(now ? paths.testclock : paths.figurant,
                      ['--bank', bank, 'serve', '--listen', '127.0.0.1:0', ...args],
                      { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`figurant serve printed nothing in ` +
                                                    `${START_TIMEOUT_MS} ms: ${stderr}`)),
                             START_TIMEOUT_MS);
    readline.createInterface({ input: child.stdout }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`figurant serve exited ${code} before listening: ${stderr.trim()}`));
    });
  });
  const { port, origin } = JSON.parse(line);
  const url = `http://localhost:${port}`;
  if (origin !== url) {
    child.kill('SIGTERM');
    throw new Error(`figurant serve's origin is ${origin}, not ${url}`);
  }
  return {
    url: `${url}/`,
    origin,
    port,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const post = (server, p, body) => fetch(`${server.origin}${p}`, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});

// A log-in reply's session: its cookie and CSRF token; throws naming `who` when refused.
async function sessionOf(r, who) {
  if (r.status !== 200) throw new Error(`log-in with ${who}: ${r.status} ${await r.text()}`);
  const name = '__Host-figurant_session';
  const cookies = r.headers.get('set-cookie') ?? '';
  const value = cookies.match(/__Host-figurant_session=([^;,\s]+)/)?.[1];
  if (!value) throw new Error(`log-in with ${who}: no ${name} cookie`);
  return { cookie: { name, value }, csrf: (await r.json()).csrf_token };
}

/**
 * Logs `device` ({user, sign} from figurant.mjs newDevice) in through the API as a device does
 * (docs/api.md, "Logging in"). Resolves to {cookie: {name, value}, csrf}: the session cookie (as
 * page.setCookie and a Cookie header take it) and the CSRF token; rejects naming the status and
 * body of a refusal.
 */
export async function apiLogIn(server, device) {
  const c = await post(server, '/api/v1/login/challenge', { user: device.user });
  if (c.status !== 200) throw new Error(`log-in challenge: ${c.status} ${await c.text()}`);
  const { challenge } = await c.json();
  const message = `figurant-login-v1\nchallenge:${challenge}\nuser:${device.user}\n` +
                  `origin:${server.origin}\n`;
  const r = await post(server, '/api/v1/login',
                       { user: device.user, challenge, signature: device.sign(message) });
  return sessionOf(r, device.user);
}

/**
 * Logs in through the API with a one-time sign-in code (docs/api.md, "Sign-in codes"; TestBank
 * signInCode). Resolves as apiLogIn does.
 */
export async function apiLogInWithCode(server, code) {
  return sessionOf(await post(server, '/api/v1/login/code', { code }), 'the sign-in code');
}

/**
 * Gives `page` a session from apiLogIn or apiLogInWithCode, as the portal's own log-in leaves the
 * browser: the HttpOnly session cookie and the script-readable CSRF cookie (docs/api.md,
 * "Sessions" and "CSRF"), both host-only, Secure, SameSite=Strict, on `server.origin`.
 */
export async function signInPage(page, server, session) {
  const cookie = { url: server.origin, path: '/', secure: true, sameSite: 'Strict' };
  await page.setCookie({ ...cookie, ...session.cookie, httpOnly: true },
                       { ...cookie, name: '__Host-figurant_csrf', value: session.csrf });
}
