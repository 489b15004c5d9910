// The performer's licence page (docs/portal.md, "Scripts"): suspending or resuming a licence is a
// statement the performer signs on their own device. This module asks the API for the statement
// request, offers it as a file for `figurant key sign-statement`, and sends the signed file back.
import { api, say, showError } from '/assets/portal.mjs';

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

const section = document.querySelector('[data-suspension]');
if (section) {
  const base = `/api/v1/performers/${section.dataset.performer}/licences/${section.dataset.licence}`;
  section.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-suspension-request]');
    if (!button) return;
    const suspend = button.dataset.suspensionRequest === 'true';
    const reply = await api('POST', `${base}/suspension-request`, { suspend });
    if (!reply.ok) { say((reply.json && reply.json.error && reply.json.error.message) || String(reply.status)); return; }
    download(suspend ? 'suspension-request.json' : 'resumption-request.json', JSON.stringify(reply.json, null, 2));
  });
  const form = section.querySelector('form[data-signed-statement]');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = form.elements.statement.files[0];
    if (!file) { showError(form, { field: 'statement', message: form.elements.statement.validationMessage }); return; }
    let signed;
    try { signed = JSON.parse(await file.text()); } catch (e) { showError(form, { field: 'statement', message: String(e.message) }); return; }
    const reply = await api('POST', `/api/v1/performers/${section.dataset.performer}/statements`, signed);
    if (!reply.ok) { showError(form, reply.json && reply.json.error); return; }
    window.location.reload();
  });
}
