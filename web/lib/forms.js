// Forms that never lose what the user typed: drafts kept in sessionStorage until the submit
// succeeds, and the API's refusal shown next to the input the problem names (`field`).
import { h } from './dom.js';
import { t } from './i18n.js';

function fields(form) { return [...form.elements].filter((e) => e.name && e.type !== 'password' && e.type !== 'submit'); }

function saveDraft(form, key) {
  const d = {};
  for (const e of fields(form)) d[e.name] = e.type === 'checkbox' ? e.checked : e.value;
  sessionStorage.setItem(`orgd.draft.${key}`, JSON.stringify(d));
}

function restoreDraft(form, key) {
  const raw = sessionStorage.getItem(`orgd.draft.${key}`);
  if (!raw) return;
  let d;
  try { d = JSON.parse(raw); } catch { return; }
  for (const e of fields(form)) {
    if (!(e.name in d)) continue;
    if (e.type === 'checkbox') e.checked = !!d[e.name]; else e.value = d[e.name];
  }
}

export function dropDraft(key) { sessionStorage.removeItem(`orgd.draft.${key}`); }

/** The form's values as an object (checkboxes as booleans, empty strings left out). */
export function formValues(form) {
  const out = {};
  for (const e of [...form.elements].filter((x) => x.name)) {
    if (e.type === 'checkbox') out[e.name] = e.checked;
    else if (e.value !== '') out[e.name] = e.value;
  }
  return out;
}

/**
 * onSubmit(values, form) may throw an ApiError: its field errors are shown and the draft kept.
 * On success the draft is dropped.
 */
export function bindForm(form, { onSubmit, draftKey } = {}) {
  if (draftKey) {
    restoreDraft(form, draftKey);
    form.addEventListener('input', () => saveDraft(form, draftKey));
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    const submit = form.querySelector('[type=submit]');
    if (submit) submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await onSubmit(formValues(form), form);
      if (draftKey) dropDraft(draftKey);
    } catch (err) {
      if (draftKey) saveDraft(form, draftKey);
      showFieldErrors(form, err);
    } finally {
      if (submit) submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}

/** Put the problem's message next to the input named by `problem.field` (or atop the form). */
export function showFieldErrors(form, err) {
  const p = (err && err.problem) || {};
  let msg;
  if (err && err.network) msg = t('error.network');
  else if (err && err.status === 401) msg = t('error.session');
  else msg = p.detail || p.title || (err && err.message) || t('error.unknown');
  const who = Array.isArray(p.who_could) && p.who_could.length
    ? t('error.who_could_inline', { who: p.who_could.map((w) => (typeof w === 'string' ? w : (w.user && w.user.login) || w.name || w.display_name || w.login || w.role || w.id)).join(', ') })
    : '';
  const field = p.field && [...form.elements].find((e) => e.name === p.field || (p.field.endsWith(`.${e.name}`)));
  const note = h('p', { class: 'field-error', role: 'alert' }, msg, who ? h('span', { class: 'who-inline' }, ` ${who}`) : null);
  if (field) {
    note.id = `${field.id || field.name}-error`;
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', note.id);
    field.insertAdjacentElement('afterend', note);
    field.focus();
  } else {
    note.classList.add('form-error');
    form.prepend(note);
  }
  return note;
}

export function clearFieldErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  form.querySelectorAll('[aria-invalid]').forEach((e) => { e.removeAttribute('aria-invalid'); e.removeAttribute('aria-describedby'); });
}
