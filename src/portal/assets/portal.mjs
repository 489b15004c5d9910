// The portal's one shared script (docs/portal.md, "Scripts"): API calls with the session's CSRF
// token, forms that post JSON to the API and explain each refused field in place, and log-out.
// No framework, nothing from another host.

const CSRF_COOKIE = '__Host-figurant_csrf';

export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return rest.join('=');
  }
  return '';
}

// Calls the API; resolves to {ok, status, json}. Never throws for an HTTP error.
export async function api(method, path, body) {
  const headers = { 'X-CSRF-Token': csrfToken() };
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let json = null;
  try { json = await response.json(); } catch { json = null; }
  return { ok: response.ok, status: response.status, json };
}

export function say(text) {
  const status = document.querySelector('[data-status]');
  if (status) status.textContent = text;
}

// The form's fields as a JSON object: numbers for type=number, booleans for checkboxes, lists for
// fields named "x[]", nothing for empty optional fields.
function formBody(form) {
  const body = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') { body[el.name] = el.checked; continue; }
    if (el.name.endsWith('[]')) {
      const key = el.name.slice(0, -2);
      body[key] = el.value.split(',').map((v) => v.trim()).filter((v) => v);
      continue;
    }
    if (el.value === '') continue;
    body[el.name] = el.type === 'number' ? Number(el.value) : el.value;
  }
  return body;
}

// Shows the API's refusal beside the field it names (error.field), or in the status line.
export function showError(form, error) {
  for (const el of form.querySelectorAll('[data-error-for]')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const field = error && error.field ? String(error.field).split(/[.[]/)[0] : '';
  const slot = field && form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
  const message = (error && error.message) || 'error';
  if (slot) {
    slot.textContent = message;
    const input = form.querySelector(`[name="${CSS.escape(field)}"], [name="${CSS.escape(field)}[]"]`);
    if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
  } else {
    say(message);
  }
}

async function submit(event) {
  const form = event.target;
  if (!form.matches('form[data-api]')) return;
  event.preventDefault();
  const method = form.dataset.method || 'POST';
  const reply = await api(method, form.dataset.api, formBody(form));
  if (!reply.ok) { showError(form, reply.json && reply.json.error); return; }
  form.dispatchEvent(new CustomEvent('api-done', { detail: reply.json, bubbles: true }));
  if (form.dataset.next !== undefined) window.location.assign(form.dataset.next || '/');
  else if (form.dataset.done) say(form.dataset.done);
}

document.addEventListener('submit', submit);
document.addEventListener('click', async (event) => {
  if (!event.target.matches('[data-logout]')) return;
  await api('DELETE', '/api/v1/session');
  window.location.assign('/login');
});
