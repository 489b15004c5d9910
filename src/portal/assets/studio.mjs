// The studio's offer form (/studio/offers/new; docs/portal.md, "Scripts"): builds the offer's
// `terms` from one control per term, previews the disclosure exactly as the performer will read it
// (POST …/offers/preview, which stores nothing), and only then lets the studio make the draft.
// Each refused term is explained beside its control.
import { api, say } from '/assets/portal.mjs';

// The API names a term by its path in the body ("terms.compensation.scan_fee",
// "terms.productions[0]"); the form's error slot for it is data-error-for="terms.productions",
// without list indices. (portal.mjs's showError keeps only the first part of a dotted name, which
// suits flat forms, not this one.)
function slotName(field) {
  return String(field || '').replace(/\[\d+\]/g, '');
}

function clearErrors(form) {
  for (const el of form.querySelectorAll('[data-error-for]')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  say('');
}

// Every line of the refusal beside the term it names: the terms' parser reports each bad field on
// its own line as "request body: field 'terms.x': why". A line naming no field of this form goes
// to the status line.
export function showTermErrors(form, error, status) {
  clearErrors(form);
  const lines = String((error && error.message) || status || 'error').split('\n');
  const unplaced = [];
  let first = null;
  for (const line of lines) {
    const named = /field '([^']+)': (.*)$/.exec(line);
    let field = slotName(named ? named[1] : error && error.field);
    // An unknown performer is refused as a missing object; it is the performer field's problem.
    if (!field && status === 404) field = 'performer';
    const slot = field && form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
    if (!slot) { unplaced.push(line); continue; }
    slot.textContent = [slot.textContent, named ? named[2] : line].filter((s) => s).join(' ');
    const input = form.querySelector(`[name="${CSS.escape(field)}"]`);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      first = first || input;
    }
  }
  if (unplaced.length) say(unplaced.join(' '));
  if (first) first.focus();
}

function checked(form, name) {
  return [...form.querySelectorAll(`[name="${name}"]:checked`)].map((el) => el.value);
}

// A field's value, or undefined (left out of the JSON) when empty.
function text(form, name) {
  const value = form.elements.namedItem(name).value.trim();
  return value === '' ? undefined : value;
}

function number(form, name) {
  const value = text(form, name);
  return value === undefined ? undefined : Number(value);
}

// The terms document of docs/licence.md, from the form's controls.
function termsOf(form) {
  const blanket = form.elements.namedItem('blanket').checked;
  const perpetual = form.elements.namedItem('perpetual').checked;
  const territories = (text(form, 'terms.territories') || '').split(/[\s,]+/).filter((t) => t);
  const revocable = form.elements.namedItem('terms.revocable').checked;
  const compensation = {};
  for (const key of ['scan_fee', 'per_production_fee', 'per_screen_second', 'minimum_per_production']) {
    compensation[key] = number(form, `terms.compensation.${key}`);
  }
  compensation.currency = text(form, 'terms.compensation.currency');
  return {
    productions: blanket ? 'any' : checked(form, 'terms.productions'),
    uses: checked(form, 'terms.uses'),
    media: checked(form, 'terms.media'),
    territories,
    valid_from: text(form, 'terms.valid_from'),
    valid_until: perpetual ? null : text(form, 'terms.valid_until'),
    max_screen_height_fraction: number(form, 'terms.max_screen_height_fraction'),
    alterations: checked(form, 'terms.alterations'),
    excluded_content: checked(form, 'terms.excluded_content'),
    compensation,
    revocable,
    revocation_notice_days: revocable ? number(form, 'terms.revocation_notice_days') : undefined,
  };
}

function offerForm() {
  return document.querySelector('form[data-offer]');
}

// The preview shown is of the form as it was: any change hides it until the next preview.
function forgetPreview(form) {
  form.querySelector('[data-preview]').hidden = true;
  form.querySelector('[data-action="offer"]').disabled = true;
}

async function submit(event) {
  const form = event.target;
  if (!form.matches('form[data-offer]')) return;
  event.preventDefault();
  const action = event.submitter ? event.submitter.dataset.action : 'preview';
  const body = { performer: text(form, 'performer') || '', terms: termsOf(form) };
  const base = `/api/v1/studios/${encodeURIComponent(form.dataset.studio)}/offers`;
  const reply = await api('POST', action === 'offer' ? base : `${base}/preview`, body);
  if (!reply.ok) {
    forgetPreview(form);
    showTermErrors(form, reply.json && reply.json.error, reply.status);
    return;
  }
  clearErrors(form);
  if (action === 'offer') {
    forgetPreview(form);
    say(`${form.dataset.made} ${reply.json.id}`);
    return;
  }
  const disclosure = form.querySelector('[data-disclosure]');
  disclosure.textContent = reply.json.disclosure;
  disclosure.lang = reply.json.language;
  form.querySelector('[data-preview]').hidden = false;
  form.querySelector('[data-action="offer"]').disabled = false;
  form.querySelector('#preview-h').focus();  // read next: what the performer will read
}

const form = offerForm();
if (form) {
  form.addEventListener('submit', submit);
  form.addEventListener('input', () => forgetPreview(form));
  form.addEventListener('change', () => forgetPreview(form));
}
