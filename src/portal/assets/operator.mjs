// The operator's pages (docs/portal.md, "Scripts" and "The enrolment slip"). A code the bank
// issues is shown once, in the reply to the POST that issued it: this script keeps an enrolment
// code's reply in this tab's sessionStorage only long enough to fill in the printable slip
// (/operator/invites/slip), then forgets it; a sign-in code is shown beside its form. Neither code
// ever goes back to the server, in a URL or otherwise.
import { api, say, showError } from '/assets/portal.mjs';

const INVITE_KEY = 'figurant-invite';

// "2026-06-15T00:00:00Z" → "2026-06-15 00:00 UTC"
function readableTime(rfc3339) {
  return String(rfc3339 || '').replace('T', ' ').replace(/:00Z$/, ' UTC').replace(/Z$/, ' UTC');
}

// After POST /api/v1/invites (portal.mjs posts the form, then fires api-done with the reply).
document.addEventListener('api-done', (event) => {
  if (!event.target.matches('form[data-invite]')) return;
  const reply = event.detail;
  sessionStorage.setItem(INVITE_KEY, JSON.stringify(reply));
  window.location.assign(`/operator/invites/slip?performer=${encodeURIComponent(reply.performer)}`);
});

// The slip, filled in once from the reply kept above; a reload finds nothing (the code was shown).
function fillSlip(slip) {
  const kept = sessionStorage.getItem(INVITE_KEY);
  sessionStorage.removeItem(INVITE_KEY);
  let reply = null;
  try { reply = JSON.parse(kept); } catch { reply = null; }
  if (!reply || reply.performer !== slip.dataset.performer || !reply.code) {
    document.querySelector('[data-slip-missing]').hidden = false;
    return;
  }
  slip.querySelector('[data-code]').textContent = reply.code;
  slip.querySelector('[data-expires]').textContent = readableTime(reply.expires_at);
  slip.hidden = false;
  const print = document.querySelector('[data-print]');
  print.hidden = false;
  print.addEventListener('click', () => window.print());
}

async function issueSignInCode(event) {
  const form = event.target;
  if (!form.matches('form[data-sign-in-code]')) return;
  event.preventDefault();
  const user = form.elements.namedItem('user').value;
  const expires = form.elements.namedItem('expires').value;
  const body = expires ? { expires } : {};
  const result = form.querySelector('[data-sign-in-result]');
  result.hidden = true;
  const reply = await api('POST', `/api/v1/users/${encodeURIComponent(user)}/sign-in-code`, body);
  if (!reply.ok) { showError(form, reply.json && reply.json.error); return; }
  for (const el of form.querySelectorAll('[data-error-for]')) el.textContent = '';
  say('');
  result.querySelector('[data-code]').textContent = reply.json.code;
  result.querySelector('[data-expires]').textContent = readableTime(reply.json.expires_at);
  result.hidden = false;
}

const slip = document.querySelector('[data-slip]');
if (slip) fillSlip(slip);
document.addEventListener('submit', issueSignInCode);
