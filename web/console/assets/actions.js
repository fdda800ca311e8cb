/**
 * Action forms of the case page: one form per action the case's phase allows (the API's `allowedActions`),
 * built from the form definitions of GET /api/console/meta (field names = the action schema's keys).
 * The server validates: a 400's field problems appear next to their fields, 403/409 above the button.
 */
/* global document */
import { api } from './api.js';
import { h } from './dom.js';

const fieldId = (action, name) => `act-${action}-${name}`;

function labelText(f) {
  return [f.label, f.required ? h('span', { class: 'req', text: '（必填）' }) : null];
}

function control(form, f, meta, prefill, extraHint) {
  const id = fieldId(form.action, f.name);
  const described = [`${id}-error`, f.hint ? `${id}-hint` : null, extraHint ? `${id}-why` : null].filter(Boolean).join(' ');
  const common = { id, name: f.name, 'aria-describedby': described, 'aria-required': f.required ? 'true' : undefined };
  const hint = f.hint ? h('p', { class: 'hint', id: `${id}-hint`, text: f.hint }) : null;
  // A hint of this case (the routing reason beside the 交办 choice) follows the field's own hint.
  const why = extraHint ? h('p', { class: 'hint routing-why', id: `${id}-why`, text: extraHint }) : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const pre = prefill?.[f.name];
  switch (f.type) {
    case 'textarea':
      return h('div', { class: 'field' }, h('label', { for: id }, labelText(f)), hint, h('textarea', { ...common, rows: 3, value: pre }), error);
    case 'text':
    case 'date':
      return h('div', { class: 'field' }, h('label', { for: id }, labelText(f)), hint, h('input', { ...common, type: f.type, value: pre, autocomplete: 'off' }), error);
    case 'select':
    case 'department': {
      const options = f.type === 'department' ? meta.departments.map((d) => ({ value: d.code, label: d.name })) : f.options;
      return h(
        'div',
        { class: 'field' },
        h('label', { for: id }, labelText(f)),
        hint,
        h(
          'select',
          common,
          h('option', { value: '', text: '请选择' }),
          options.map((o) => h('option', { value: o.value, text: o.label, selected: pre === o.value })),
        ),
        why,
        error,
      );
    }
    case 'radio':
    case 'departments': {
      const multi = f.type === 'departments';
      const options = multi ? meta.departments.map((d) => ({ value: d.code, label: d.name })) : f.options;
      return h(
        'fieldset',
        { class: ['field', multi ? 'checks' : 'radios'], id, 'aria-describedby': described },
        h('legend', {}, labelText(f)),
        hint,
        options.map((o, i) =>
          h('label', { class: 'choice' }, h('input', { type: multi ? 'checkbox' : 'radio', name: f.name, value: o.value, id: `${id}-${i}`, checked: pre === o.value }), ' ', o.label),
        ),
        error,
      );
    }
    case 'checkbox':
      return h('div', { class: 'field' }, h('label', { class: 'choice' }, h('input', { ...common, type: 'checkbox', checked: pre === true || pre === 'true' }), ' ', f.label), hint, error);
    default:
      return null;
  }
}

function valueOf(formEl, f) {
  const els = formEl.elements;
  if (f.type === 'departments') return [...formEl.querySelectorAll(`input[name="${f.name}"]:checked`)].map((i) => i.value);
  if (f.type === 'radio') return formEl.querySelector(`input[name="${f.name}"]:checked`)?.value ?? '';
  if (f.type === 'checkbox') return els.namedItem(f.name)?.checked === true;
  return (els.namedItem(f.name)?.value ?? '').trim();
}

function visible(formEl, form, f) {
  if (!f.showWhen) return true;
  const dep = form.fields.find((x) => x.name === f.showWhen.field);
  return dep ? f.showWhen.values.includes(String(valueOf(formEl, dep))) : true;
}

/** The JSON body: visible fields only, empty ones left out (the schema's optional fields). */
export function bodyOf(formEl, form) {
  const body = { action: form.action };
  for (const f of form.fields) {
    if (!visible(formEl, form, f)) continue;
    const v = valueOf(formEl, f);
    if (f.type === 'checkbox') {
      if (v) body[f.name] = true;
    } else if (Array.isArray(v)) {
      if (v.length > 0) body[f.name] = v;
    } else if (v !== '') body[f.name] = v;
  }
  return body;
}

/**
 * <details> holding the form of one action. `onDone(updatedCase, form)` after a 200; errors stay in the form.
 */
export function actionForm(form, meta, caseId, { prefill, hints, open, onDone }) {
  const alert = h('div', { class: 'form-alert', role: 'alert', hidden: true });
  const wrappers = new Map();
  const formEl = h('form', { class: 'action-form', novalidate: true, dataset: { action: form.action }, 'aria-label': form.label });
  formEl.append(h('p', { class: 'help', text: form.help }));
  if (form.confirm) formEl.append(h('p', { class: 'warn', text: '请慎重：此项决定提交后即生效，并记入办理过程。' }));
  for (const f of form.fields) {
    const el = control(form, f, meta, prefill, hints?.[f.name]);
    if (!el) continue;
    wrappers.set(f.name, el);
    formEl.append(el);
  }
  const button = h('button', { type: 'submit', class: 'btn primary', text: `提交：${form.label}` });
  formEl.append(alert, h('div', { class: 'form-actions' }, button));

  const sync = () => {
    for (const f of form.fields) {
      const el = wrappers.get(f.name);
      if (el) el.hidden = !visible(formEl, form, f);
    }
  };
  formEl.addEventListener('change', sync);
  sync();

  const clearErrors = () => {
    alert.hidden = true;
    alert.textContent = '';
    for (const el of formEl.querySelectorAll('.field-error')) {
      el.hidden = true;
      el.textContent = '';
    }
    for (const el of formEl.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  };

  const showProblems = (problems, message) => {
    const unplaced = [];
    let first;
    for (const p of problems) {
      const name = String(p.field ?? '').split('.')[0];
      const err = formEl.querySelector(`#${fieldId(form.action, name)}-error`);
      const input = formEl.querySelector(`#${fieldId(form.action, name)}`);
      if (err && wrappers.get(name) && !wrappers.get(name).hidden) {
        err.textContent = err.textContent ? `${err.textContent}；${p.message}` : p.message;
        err.hidden = false;
        input?.setAttribute('aria-invalid', 'true');
        first ??= input?.matches('fieldset') ? input.querySelector('input') : input;
      } else unplaced.push(p.message);
    }
    alert.append(h('p', { text: problems.length > 0 ? `提交未成功，请修改 ${problems.length} 处问题。` : message }));
    if (unplaced.length > 0)
      alert.append(
        h(
          'ul',
          {},
          unplaced.map((m) => h('li', { text: m })),
        ),
      );
    alert.hidden = false;
    (first ?? alert).focus?.();
  };

  formEl.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors();
    // The message of an earlier action ("已提交…") must not stand next to this one's errors.
    const flashEl = document.getElementById('flash');
    if (flashEl) flashEl.textContent = '';
    button.disabled = true;
    try {
      const updated = await api.post(`/api/cases/${encodeURIComponent(caseId)}/actions`, bodyOf(formEl, form));
      onDone(updated, form);
    } catch (err) {
      if (err.status === 401) return;
      showProblems(err.status === 400 ? err.problems : [], err.message);
    } finally {
      button.disabled = false;
    }
  });

  return h('details', { class: 'action', open, dataset: { action: form.action } }, h('summary', {}, form.label), formEl);
}
