// Chromium's WebAuthn virtual authenticator over the DevTools protocol (CDP domain "WebAuthn"):
// a platform authenticator (CTAP2, transport "internal") with resident keys and user
// verification, that always verifies the user, so navigator.credentials.create and .get succeed
// without a person. Credentials live in the authenticator, i.e. in the browser, never in the bank.
//
// createPasskey and getAssertion call the WebAuthn API in the page, as the portal's own scripts
// will, and return what the portal posts to the server, every binary field as base64url
// (RFC 4648 §5, no padding); docs/passkeys.md says what the server checks.

/**
 * Adds a virtual authenticator to `page`. Resolves to {id, credentials(), remove()}:
 * credentials() lists the credentials it holds (CDP WebAuthn.Credential, with signCount).
 */
export async function addVirtualAuthenticator(page) {
  const cdp = await page.createCDPSession();
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    id: authenticatorId,
    credentials: async () =>
      (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
    remove: () => cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId }),
  };
}

/** COSE algorithm ES256 (ECDSA P-256 with SHA-256), RFC 9053. */
export const COSE_ES256 = -7;

// Binary values cross between Node and the page as arrays of byte values (page.evaluate passes
// JSON); Node turns them into and out of base64url.
const toBytes = (b64u) => [...Buffer.from(b64u, 'base64url')];
const toB64u = (byteArray) => Buffer.from(byteArray).toString('base64url');
const mapValues = (o, f) => Object.fromEntries(
  Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? f(v) : v]));

/**
 * In `page`, navigator.credentials.create with an ES256 key, user verification required,
 * attestation "none", a resident key, rp.id the page's host. `challenge` and `userId` are
 * base64url. Resolves to {id, type, rawId, clientDataJSON, attestationObject, publicKey
 * (SubjectPublicKeyInfo DER), publicKeyAlgorithm, authenticatorData}, binary fields base64url;
 * rejects with the browser's error (a DOMException's name and message).
 */
export async function createPasskey(page, { challenge, userId, userName, displayName = userName }) {
  const out = await page.evaluate(async (o) => {
    const arr = (buf) => Array.from(new Uint8Array(buf));
    const c = await navigator.credentials.create({
      publicKey: {
        rp: { id: location.hostname, name: 'Figurant' },
        user: { id: new Uint8Array(o.userId), name: o.userName, displayName: o.displayName },
        challenge: new Uint8Array(o.challenge),
        pubKeyCredParams: [{ type: 'public-key', alg: o.alg }],
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        attestation: 'none',
      },
    });
    const r = c.response;
    return {
      id: c.id, type: c.type, rawId: arr(c.rawId),
      clientDataJSON: arr(r.clientDataJSON), attestationObject: arr(r.attestationObject),
      publicKey: arr(r.getPublicKey()), publicKeyAlgorithm: r.getPublicKeyAlgorithm(),
      authenticatorData: arr(r.getAuthenticatorData()),
    };
  }, { challenge: toBytes(challenge), userId: toBytes(userId), userName, displayName,
       alg: COSE_ES256 });
  return mapValues(out, toB64u);
}

/**
 * In `page`, navigator.credentials.get for the credential `rawId` (base64url; omitted: any
 * resident credential for this host), user verification required. Resolves to {id, rawId,
 * clientDataJSON, authenticatorData, signature (DER ECDSA for ES256), userHandle}, binary
 * fields base64url (userHandle null when the authenticator gave none).
 */
export async function getAssertion(page, { challenge, rawId }) {
  const out = await page.evaluate(async (o) => {
    const arr = (buf) => Array.from(new Uint8Array(buf));
    const a = await navigator.credentials.get({
      publicKey: {
        rpId: location.hostname,
        challenge: new Uint8Array(o.challenge),
        allowCredentials: o.rawId ? [{ type: 'public-key', id: new Uint8Array(o.rawId) }] : [],
        userVerification: 'required',
      },
    });
    const r = a.response;
    return {
      id: a.id, rawId: arr(a.rawId),
      clientDataJSON: arr(r.clientDataJSON), authenticatorData: arr(r.authenticatorData),
      signature: arr(r.signature), userHandle: r.userHandle ? arr(r.userHandle) : null,
    };
  }, { challenge: toBytes(challenge), rawId: rawId ? toBytes(rawId) : null });
  return mapValues(out, toB64u);
}
