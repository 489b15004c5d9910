// The real `figurant` binary from a browser test: run a command, and set up a bank as an operator
// would (docs/api.md "Users"; the same steps as tests/api_server_test.cpp's fixture). Keys the
// bank must never hold are made here, in the test: a user's Ed25519 device key (node:crypto), a
// studio's key file (`figurant key new`, sealed with the party passphrase the test's shell gives).
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { paths } from './env.mjs';

/** The passphrase party key files are sealed with (tests/cli_harness.h kPartyPassphrase). */
export const PARTY_PASSPHRASE = 'party passphrase for tests';

/**
 * Runs figurant with `args` (after `--bank BANK` when `bank` is given, and `--json` when `json`).
 * `now` ("YYYY-MM-DDTHH:MM:SSZ") pins the clock: the test build runs with FIGURANT_NOW; without
 * it, the shipped binary. `env` adds variables; `input` is standard input.
 * Returns {code, out, err}; `code` is null when a signal killed it.
 */
export function runFigurant(args, { bank, now, json = false, env = {}, input } = {}) {
  const full = [...(json ? ['--json'] : []), ...(bank ? ['--bank', bank] : []), ...args];
  const childEnv = { ...process.env, ...env };
  delete childEnv.FIGURANT_NOW;
  if (now) childEnv.FIGURANT_NOW = now;
  const r = spawnSync(now ? paths.testclock : paths.figurant, full,
                      { env: childEnv, input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** runFigurant with --json: the JSON printed; throws naming the command and its stderr on
 *  failure. */
export function figurantJson(args, options = {}) {
  const r = runFigurant(args, { ...options, json: true });
  if (r.code !== 0) {
    throw new Error(`figurant ${args.slice(0, 2).join(' ')} exited ${r.code}: ${r.err.trim()}`);
  }
  return JSON.parse(r.out);
}

/**
 * A user's device: a fresh Ed25519 key pair, held only by the test. `publicKeyHex` is what
 * `user add --public-key` and `performer enrol --public-key` take; `sign(text)` signs UTF-8 bytes
 * and returns the 64-byte signature as hex.
 */
export function newDevice() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  return {
    user: '',
    publicKeyHex: raw.toString('hex'),
    sign: (text) => crypto.sign(null, Buffer.from(text, 'utf8'), privateKey).toString('hex'),
  };
}

/**
 * A fresh bank in a temporary directory (removed by remove()), every command run at the pinned
 * time `now`. Each method runs the real CLI and throws when it fails.
 */
export class TestBank {
  constructor({ now = '2026-06-01T12:00:00Z', tag = 'browser' } = {}) {
    this.now = now;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `figurant-${tag}-`));
    this.bank = path.join(this.dir, 'bank');
    const r = runFigurant(['init'], { bank: this.bank, now });
    if (r.code !== 0) throw new Error(`figurant init exited ${r.code}: ${r.err.trim()}`);
  }

  /** `figurant --json --bank BANK ARGS` at the bank's time. */
  json(args, env = {}) {
    return figurantJson(args, { bank: this.bank, now: this.now, env });
  }

  /** A user of `role` ("operator", "studio", "union", "performer") for `subject` (the id
   *  --studio, --union or --performer takes; none for an operator), logging in with a new
   *  device. */
  addUser(role, subject) {
    const device = newDevice();
    const flag = { studio: '--studio', union: '--union', performer: '--performer' }[role];
    const args = ['user', 'add', '--role', role, '--public-key', device.publicKeyHex];
    if (flag) args.push(flag, subject);
    device.user = this.json(args).id;
    return device;
  }

  /** A one-time sign-in code for `device.user` (docs/api.md "Sign-in codes"): what a user types
   *  on the portal's /login page. */
  signInCode(device) {
    return this.json(['user', 'sign-in-code', device.user]).code;
  }

  /** A performer (language "en" or "fr"): their id. They hold no key until they enrol one. */
  addPerformer(name, language = 'en') {
    return this.json(['performer', 'add', '--name', name, '--language', language]).id;
  }

  /** A one-time enrolment code for `performer` (what the scan-day slip prints). */
  invite(performer) {
    return this.json(['performer', 'invite', performer]).code;
  }

  /** A performer who enrolled a device key with their code, and a user logging in with it. */
  addPerformerUser(performer) {
    const device = newDevice();
    this.json(['performer', 'enrol', '--code', this.invite(performer),
               '--public-key', device.publicKeyHex]);
    device.user = this.json(['user', 'add', '--role', 'performer', '--performer', performer,
                             '--public-key', device.publicKeyHex]).id;
    return device;
  }

  /** A party's key file made as on their own device (`figurant key new`, sealed with
   *  PARTY_PASSPHRASE) in the test's folder: its path (the public half is PATH.pub). */
  newKeyFile(tag) {
    const keyFile = path.join(this.dir, `${tag}-${crypto.randomUUID()}.key`);
    this.json(['key', 'new', '--out', keyFile], { FIGURANT_KEY_PASSPHRASE: PARTY_PASSPHRASE });
    return keyFile;
  }

  /** A performer's own device with a key file (newKeyFile) enrolled with a one-time code, and a
   *  user for them with that key: {user, keyFile}. The user signs in with signInCode; the key
   *  file signs licences (signOnDevice). */
  addPerformerWithKeyFile(performer) {
    const keyFile = this.newKeyFile('performer');
    this.json(['performer', 'enrol', '--code', this.invite(performer),
               '--public-key-file', `${keyFile}.pub`]);
    const user = this.json(['user', 'add', '--role', 'performer', '--performer', performer,
                            '--public-key-file', `${keyFile}.pub`]).id;
    return { user, keyFile };
  }

  /** Signs `licence` on the performer's device as tests/cli_device.h does: the bank's offer, `key
   *  sign` with `keyFile` (answering its confirmation in the offer's language), `licence sign
   *  --signature`. */
  signOnDevice(keyFile, licence) {
    const offer = path.join(this.dir, `offer-${licence}.json`);
    const signature = path.join(this.dir, `signature-${licence}.json`);
    this.json(['licence', 'offer', licence, '--out', offer]);
    const word = JSON.parse(fs.readFileSync(offer, 'utf8')).language === 'fr' ? 'signer' : 'sign';
    const r = runFigurant(['key', 'sign', offer, '--key', keyFile, '--out', signature], {
      now: this.now, env: { FIGURANT_KEY_PASSPHRASE: PARTY_PASSPHRASE }, input: `${word}\n`,
    });
    if (r.code !== 0) throw new Error(`figurant key sign exited ${r.code}: ${r.err.trim()}`);
    this.json(['licence', 'sign', licence, '--signature', signature]);
  }

  /** A union (a representative of kind union, its key on its own device): {id, keyFile}. */
  addUnion(name) {
    const keyFile = this.newKeyFile('union');
    const id = this.json(['representative', 'add', '--kind', 'union', '--name', name,
                          '--public-key-file', `${keyFile}.pub`]).id;
    return { id, keyFile };
  }

  /** A studio with its own key file (sealed with PARTY_PASSPHRASE): {id, keyFile}. */
  addStudio(name) {
    const keyFile = this.newKeyFile('studio');
    const id = this.json(['studio', 'add', '--name', name,
                          '--public-key-file', `${keyFile}.pub`]).id;
    return { id, keyFile };
  }

  /** A production of `studio` ({id, keyFile} from addStudio) signed with its key: its id. */
  addProduction(studio, title) {
    return this.json(['production', 'add', '--studio', studio.id, '--title', title, '--media',
                      'streaming', '--territories', 'FR', '--fps', '24', '--studio-key',
                      studio.keyFile], { FIGURANT_KEY_PASSPHRASE: PARTY_PASSPHRASE }).id;
  }

  /** A draft licence offered to `performer` by `studio` with `terms` (docs/licence.md): its id. */
  draftLicence(performer, studio, terms) {
    const file = path.join(this.dir, `terms-${crypto.randomUUID()}.json`);
    fs.writeFileSync(file, JSON.stringify(terms));
    return this.json(['licence', 'draft', '--performer', performer, '--studio', studio.id,
                      '--terms', file]).id;
  }

  remove() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
