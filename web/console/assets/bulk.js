/* global document */
/**
 * Bulk 交办 from the queue (issue 21, item 2): ONE confirmation dialog lists every selected case with the department
 * it goes to — starting at the department that intake recognised, with the routing reason beside it — and one
 * "统一交办到" choice that assigns them all to one department. Confirming sends one ordinary dispatch action per case
 * (each checked by the server, audited and on the case's timeline); the dialog then shows each case's result, so a
 * refusal of one (a case another user moved meanwhile: 409) never hides the others' success.
 */
import { api } from './api.js';
import { h } from './dom.js';

/** The department a case's 交办 choice starts at: intake's recognised department, else the current one. */
export function proposedDepartment(c) {
  if (c.routing?.kind === 'department' && c.routing.department) return c.routing.department;
  return c.department ?? '';
}

/** The routing reason shown beside the choice (or why there is none). */
export function routingReasonText(c) {
  const r = c.routing;
  if (!r) return '无分派判断记录，请人工选择承办部门。';
  const sure = `把握 ${Math.round((r.confidence ?? 0) * 100)}%`;
  if (r.kind !== 'department') return `识别结果：${r.name}（${sure}，不属于本级部门，请核对是否应交办）。依据：${r.reason}`;
  return `识别为${r.name}（${sure}${r.confident ? '' : '，把握不足，请核对'}）。依据：${r.reason}`;
}

/**
 * Opens the dialog for `cases` (queue rows allowing `dispatch`). `onFinished({ ok, failed, results })` after the user
 * closes the result list (or cancels: `null`).
 */
export function openBulkDispatch({ cases, meta, deptName, onFinished }) {
  const title = h('h2', { id: 'bulk-title', text: `批量交办（${cases.length} 件）` });
  const intro = h('p', { class: 'hint', id: 'bulk-intro', text: '每件默认交办给分派判断识别的部门，理由列在旁边；可逐件修改，或统一交办到一个部门。确认后逐件提交，每件单独记入办理过程。' });
  const deptOptions = (selected) => [h('option', { value: '', text: '请选择' }), meta.departments.map((d) => h('option', { value: d.code, text: d.name, selected: d.code === selected }))];
  const all = h('select', { id: 'bulk-all', 'aria-describedby': 'bulk-intro' }, deptOptions(''));
  const applyAll = h('button', {
    type: 'button',
    class: 'btn',
    id: 'bulk-apply-all',
    text: '全部改为该部门',
    on: {
      click: () => {
        if (!all.value) return void all.focus();
        for (const s of dialog.querySelectorAll('select.bulk-dept')) s.value = all.value;
      },
    },
  });
  const rows = cases.map((c, n) => {
    const id = `bulk-dept-${n}`;
    return h(
      'tr',
      { dataset: { caseId: c.caseId } },
      h('th', { scope: 'row' }, c.trackingNo),
      h('td', { class: 'matter' }, h('span', { class: 'clip', tabindex: '0', title: c.matter ?? '' }, c.matter ?? '')),
      h(
        'td',
        {},
        h('label', { class: 'sr-only', for: id, text: `${c.trackingNo} 交办给` }),
        h('select', { id, class: 'bulk-dept', 'aria-describedby': `${id}-why`, dataset: { caseId: c.caseId } }, deptOptions(proposedDepartment(c))),
      ),
      h('td', { class: 'routing-why', id: `${id}-why` }, routingReasonText(c)),
      h('td', { class: 'bulk-result', role: 'status' }),
    );
  });
  const alert = h('div', { class: 'form-alert', role: 'alert', hidden: true });
  const confirm = h('button', { type: 'submit', class: 'btn primary', id: 'bulk-confirm', text: `确认交办 ${cases.length} 件` });
  const cancel = h('button', { type: 'button', class: 'btn', id: 'bulk-cancel', text: '取消' });
  const form = h(
    'form',
    { method: 'dialog', novalidate: true },
    title,
    intro,
    h('div', { class: 'field bulk-all' }, h('label', { for: 'bulk-all', text: '统一交办到' }), all, ' ', applyAll),
    h(
      'table',
      { class: 'plain bulk-list' },
      h('caption', { text: '将交办的投诉件' }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['受理编号', '投诉事项', '交办给', '分派判断依据', '结果'].map((t) => h('th', { scope: 'col', text: t })),
        ),
      ),
      h('tbody', {}, rows),
    ),
    alert,
    h('div', { class: 'form-actions' }, confirm, ' ', cancel),
  );
  const dialog = h('dialog', { id: 'bulk-dialog', class: 'bulk-dialog', 'aria-labelledby': 'bulk-title' }, form);
  let finished = null;
  const close = () => {
    dialog.close();
    dialog.remove();
    onFinished(finished);
  };
  cancel.addEventListener('click', close);
  dialog.addEventListener('cancel', (ev) => {
    // Esc while cases are being sent would leave the user not knowing which went: only before or after.
    if (confirm.disabled && !finished) ev.preventDefault();
    else {
      ev.preventDefault();
      close();
    }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (finished) return close();
    alert.hidden = true;
    const selects = [...dialog.querySelectorAll('select.bulk-dept')];
    const missing = selects.filter((s) => !s.value);
    for (const s of selects) s.toggleAttribute('aria-invalid', !s.value);
    if (missing.length) {
      alert.textContent = `还有 ${missing.length} 件没有选择承办部门。`;
      alert.hidden = false;
      missing[0].focus();
      return;
    }
    confirm.disabled = true;
    cancel.disabled = true;
    const results = [];
    for (const [n, s] of selects.entries()) {
      const c = cases[n];
      const cell = rows[n].querySelector('.bulk-result');
      cell.textContent = '正在提交……';
      try {
        const updated = await api.post(`/api/cases/${encodeURIComponent(c.caseId)}/actions`, { action: 'dispatch', department: s.value });
        cell.textContent = `已交办${deptName(s.value)}`;
        results.push({ caseId: c.caseId, ok: true, version: updated.version });
      } catch (err) {
        if (err.status === 401) return;
        cell.textContent = `未交办：${err.message}`;
        rows[n].classList.add('failed');
        results.push({ caseId: c.caseId, ok: false, message: err.message });
      }
      s.disabled = true;
    }
    const ok = results.filter((r) => r.ok).length;
    finished = { ok, failed: results.length - ok, results };
    alert.textContent = finished.failed ? `已交办 ${ok} 件，${finished.failed} 件未交办（原因见各行）。` : `已交办 ${ok} 件。`;
    alert.hidden = false;
    all.disabled = true;
    applyAll.disabled = true;
    confirm.textContent = '完成';
    confirm.disabled = false;
    confirm.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  (dialog.querySelector('select.bulk-dept') ?? all).focus();
  return dialog;
}
