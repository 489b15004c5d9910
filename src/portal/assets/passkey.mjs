// Passkeys in the browser (docs/passkeys.md, docs/portal.md "Passkeys"): enrolment
// (navigator.credentials.create), log-in and consent signing (navigator.credentials.get). The
// server chooses every challenge; this module only carries bytes between the API and the
// authenticator, as base64url. The private key never leaves the authenticator.
import { api, say, showError } from '/assets/portal.mjs';

export function toBase64Url(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function fromBase64Url(text) {
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

// The registration as the API takes it (POST /api/v1/enrolment/passkey).
export async function createCredential(options) {
  const credential = await navigator.credentials.create({
    publicKey: {
      challenge: fromBase64Url(options.challenge),
      rp: options.rp,
      user: {
        id: fromBase64Url(options.user.id),
        name: options.user.name,
        displayName: options.user.display_name,
      },
      pubKeyCredParams: options.algorithms.map((alg) => ({ type: 'public-key', alg })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      attestation: 'none',
      timeout: options.timeout_ms,
    },
  });
  const r = credential.response;
  return {
    id: toBase64Url(credential.rawId),
    public_key: toBase64Url(r.getPublicKey()),
    algorithm: r.getPublicKeyAlgorithm(),
    authenticator_data: toBase64Url(r.getAuthenticatorData()),
    client_data_json: toBase64Url(r.clientDataJSON),
  };
}

// An assertion over `challenge` (base64url) by one of `allow` (credential ids, base64url; empty:
// any passkey of this site the authenticator holds), as the API takes it.
export async function getAssertion(challenge, allow = []) {
  const credential = await navigator.credentials.get({
    publicKey: {
      challenge: fromBase64Url(challenge),
      allowCredentials: allow.map((id) => ({ type: 'public-key', id: fromBase64Url(id) })),
      userVerification: 'required',
    },
  });
  const r = credential.response;
  return {
    credential_id: toBase64Url(credential.rawId),
    authenticator_data: toBase64Url(r.authenticatorData),
    client_data_json: toBase64Url(r.clientDataJSON),
    signature: toBase64Url(r.signature),
  };
}

// The API's refusal, or the browser's (the performer cancelled, no authenticator), in words.
export function failureText(reply, error) {
  if (reply && reply.json && reply.json.error) return reply.json.error.message;
  return error ? `${error.name}: ${error.message}` : 'error';
}

async function logIn(button) {
  button.disabled = true;
  try {
    const options = await api('POST', '/api/v1/login/passkey/options', {});
    if (!options.ok) { say(failureText(options)); return; }
    const assertion = await getAssertion(options.json.challenge);
    const reply = await api('POST', '/api/v1/login/passkey',
                            { challenge: options.json.challenge, ...assertion });
    if (!reply.ok) { say(failureText(reply)); return; }
    const form = document.querySelector('form[data-next]');
    window.location.assign((form && form.dataset.next) || '/');
  } catch (error) {
    say(failureText(null, error));
  } finally {
    button.disabled = false;
  }
}

document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-passkey-login]');
  if (button) logIn(button);
});

// /enrol: the code, then the passkey; the API enrols it and starts the performer's session.
async function enrol(form) {
  const code = form.elements.code.value;
  const options = await api('POST', '/api/v1/enrolment/passkey/options', { code });
  if (!options.ok) { showError(form, options.json && options.json.error); return; }
  say(form.dataset.working || '');
  let credential;
  try {
    credential = await createCredential(options.json);
  } catch (error) {
    say(failureText(null, error));
    return;
  }
  const reply = await api('POST', '/api/v1/enrolment/passkey',
                          { code, challenge: options.json.challenge, credential });
  if (!reply.ok) { showError(form, reply.json && reply.json.error); return; }
  window.location.assign('/');
}

document.addEventListener('submit', (event) => {
  const form = event.target.closest('form[data-passkey-enrol]');
  if (!form) return;
  event.preventDefault();
  enrol(form);
});
