// The union auditor's pages (docs/portal.md, "Scripts"). /audit: sends the bytes of the export
// file the auditor chose to the API, which verifies it on the server (POST
// /api/v1/ledger/verification/upload, as `figurant ledger verify` does), and shows the reply.
// Nothing is verified here. /audit/strikes: the strike statement request as a download, and the
// statement signed on the union's device posted back.
import { api, csrfToken, say, showError } from '/assets/portal.mjs';

// "1a2b3c4d 5e6f…": hex in groups of 8 digits, as the server shows the bank's key.
function grouped(hex) {
  return String(hex).match(/.{1,8}/g)?.join(' ') ?? '';
}

function valueAt(object, path) {
  return path.split('.').reduce((o, key) => (o == null ? undefined : o[key]), object);
}

// Fills a copy of `template`: each [data-field] shows that field of `values`.
function filled(template, values) {
  const copy = template.content.cloneNode(true);
  const lang = document.documentElement.lang;
  for (const el of copy.querySelectorAll('[data-field]')) {
    const value = valueAt(values, el.dataset.field);
    if (el.hasAttribute('data-hex')) el.textContent = grouped(value);
    else if (el.hasAttribute('data-time')) el.textContent = new Date(value * 1000).toISOString().replace('.000Z', 'Z');
    else if (el.hasAttribute('data-list')) el.textContent = value && value.length ? value.join(', ') : '—';
    else if (typeof value === 'number') el.textContent = value.toLocaleString(lang);
    else el.textContent = value ?? '';
  }
  return copy;
}

function clearErrors(form) {
  for (const el of form.querySelectorAll('[data-error-for]')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

async function verifyUpload(event) {
  const form = event.target;
  if (!form.matches('form[data-ledger-upload]')) return;
  event.preventDefault();
  const input = form.querySelector('input[type=file]');
  const file = input.files[0];
  const result = document.querySelector('[data-upload-result]');
  result.replaceChildren();
  if (!file) { showError(form, { field: 'export', message: form.dataset.missing }); return; }
  if (file.size > Number(form.dataset.limit)) {
    showError(form, { field: 'export', message: form.dataset.tooLarge });
    return;
  }
  clearErrors(form);
  say(form.dataset.working);
  let reply;
  try {
    const response = await fetch(form.dataset.ledgerUpload, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': csrfToken() },
      body: file,
    });
    reply = { ok: response.ok, json: await response.json() };
  } catch {
    reply = { ok: false, json: { error: { message: form.dataset.failed } } };
  }
  say('');
  const values = reply.ok ? { ...reply.json, file: file.name }
    : { file: file.name, message: reply.json?.error?.message ?? form.dataset.failed };
  const template = document.querySelector(reply.ok ? '[data-upload-valid]' : '[data-upload-invalid]');
  result.append(filled(template, values));
  result.focus();
}

// /audit/strikes: the statement request, saved as a file for `figurant key sign-statement`.
function download(name, text) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}

async function strikeRequest(event) {
  const form = event.target;
  if (!form.matches('form[data-strike-request]')) return;
  event.preventDefault();
  const body = { studio: form.elements.studio.value.trim(), declare: form.elements.declare.value === 'true' };
  if (form.elements.from.value) body.from = form.elements.from.value;
  const response = await fetch(form.dataset.strikeRequest, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    let error = null;
    try { error = JSON.parse(text).error; } catch { error = null; }
    showError(form, error);
    return;
  }
  clearErrors(form);
  download(`strike-${body.declare ? 'declare' : 'end'}-${body.studio}.request.json`, text);
  say(form.dataset.done);
}

async function signedStatement(event) {
  const form = event.target;
  if (!form.matches('form[data-signed-statement]')) return;
  event.preventDefault();
  const file = form.querySelector('input[type=file]').files[0];
  let document_ = null;
  try { document_ = file ? JSON.parse(await file.text()) : null; } catch { document_ = null; }
  if (!document_ || typeof document_ !== 'object') {
    showError(form, { field: 'statement', message: form.dataset.notJson });
    return;
  }
  const reply = await api('POST', form.dataset.signedStatement, document_);
  if (!reply.ok) { showError(form, reply.json && reply.json.error); return; }
  window.location.assign(window.location.pathname);
}

document.addEventListener('submit', verifyUpload);
document.addEventListener('submit', strikeRequest);
document.addEventListener('submit', signedStatement);
