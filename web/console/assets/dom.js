/* global document, Node */
/**
 * DOM helpers of the console. Case data only ever enters the page as text (text nodes, textContent,
 * attribute values through setAttribute): there is no innerHTML, insertAdjacentHTML or document.write here
 * or anywhere in the console, so a complaint holding <script>, <img onerror> or SVG stays inert text.
 */

const SAFE_HREF = /^\/(?!\/)[^\s]*$/;

/**
 * h('a', { href: '/console/cases/x', class: 'btn' }, 'text', child, [more]) → element.
 * Props: class, text, on:{event: fn}, dataset:{}, boolean props (hidden, checked, disabled, required, open,
 * selected, multiple), everything else as an attribute. `href`/`src` must be same-origin paths: a
 * `javascript:` or foreign URL throws instead of reaching the page.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : String(v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'dataset') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
    else if (k === 'value') el.value = String(v);
    else if (['hidden', 'checked', 'disabled', 'required', 'open', 'selected', 'multiple'].includes(k)) el[k] = Boolean(v);
    else if (k === 'href' || k === 'src') {
      const s = String(v);
      if (!SAFE_HREF.test(s)) throw new Error('refusing a non-local link');
      el.setAttribute(k, s);
    } else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

const DATE_TIME = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
const DATE = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Instant → "2026/11/27 14:05" in Asia/Shanghai (the regulation's time zone). */
export function fmtDateTime(iso, missing = '未记录') {
  if (!iso) return missing;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : DATE_TIME.format(d);
}

export function fmtDate(iso, missing = '未记录') {
  if (!iso) return missing;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : DATE.format(d);
}

export function fmtSize(n) {
  if (typeof n !== 'number') return '—';
  if (n < 1024) return `${n} 字节`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Working days left as words (the server counts them with the working-day calendar): the text carries the
 * meaning, the colour only repeats it. Where no count can be given the words say why, never a bare dash.
 */
export function daysLeftText(item) {
  const n = item.workingDaysLeft;
  if (item.phase === 'archived') return '已办结归档，不再计时';
  if (item.phase === 'merged') return '已合并到另一投诉件，按该件计时';
  if (typeof n !== 'number') {
    if (item.dueAt) return '无法计算剩余工作日（工作日历缺少该期限所在年度）';
    return isOverdue(item) ? '本环节期限已过，等待办理' : '本环节无时限';
  }
  if (n < 0) return `已超期 ${-n} 个工作日`;
  if (n === 0) return '今日到期';
  return `剩余 ${n} 个工作日`;
}

/** A due date, or why there is none. */
export function dueText(item) {
  if (item.dueAt) return fmtDate(item.dueAt);
  if (item.phase === 'archived') return '已归档';
  if (item.phase === 'merged') return '已合并';
  return isOverdue(item) ? '已过期限' : '无期限';
}

/** Due today or on the next working day (and not overdue): shown in amber, with the words saying it. */
export function isDueSoon(item) {
  return !isOverdue(item) && typeof item.workingDaysLeft === 'number' && item.workingDaysLeft <= 1;
}

export function isOverdue(item) {
  if (item.phase === 'archived' || item.phase === 'merged') return false;
  return item.overdue === true || (typeof item.workingDaysLeft === 'number' && item.workingDaysLeft < 0);
}

/** The "已超期" badge: red, with text and an accessible name (never colour only). */
export function overdueBadge(item) {
  // A closed case that once ran late says so (art. 20 counts it), without claiming it is late now.
  if ((item.phase === 'archived' || item.phase === 'merged') && item.overdue === true) return h('span', { class: 'badge', text: '曾超期' });
  return isOverdue(item) ? h('span', { class: 'badge badge-overdue', text: '已超期' }) : null;
}

/** 暂定: the due date counts a year whose holiday notice is not loaded yet; the reason shows on hover and focus. */
export function provisionalBadge(reason) {
  const why = reason ?? '该年度国务院办公厅节假日安排通知尚未导入，期限按法定节假日暂定，导入后自动重新计算。';
  return h('span', { class: 'badge badge-provisional', text: '暂定', title: why, tabindex: '0', 'aria-label': `暂定：${why}` });
}

/**
 * A form's problem display: the summary in `alert` and each message beside its field (`#<id>-error`), the first
 * such field focused (else the summary). `boxOf(field)` finds the element of an API problem's field, or nothing.
 */
export function formProblems(form, alert, boxOf) {
  const clearProblems = () => {
    alert.hidden = true;
    clear(alert);
    for (const p of form.querySelectorAll('.field-error')) {
      p.hidden = true;
      p.textContent = '';
    }
    for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  };
  const showProblems = (problems, message) => {
    clear(alert);
    alert.append(
      h('p', { text: message }),
      h(
        'ul',
        {},
        problems.map((p) => h('li', { text: p.message })),
      ),
    );
    alert.hidden = false;
    let first = null;
    for (const p of problems) {
      const box = boxOf(p.field);
      if (!box) continue;
      box.setAttribute('aria-invalid', 'true');
      const err = form.querySelector(`#${box.id}-error`);
      if (err) {
        err.textContent = err.textContent ? `${err.textContent}；${p.message}` : p.message;
        err.hidden = false;
      }
      first ??= box;
    }
    (first ?? alert).focus();
  };
  return { clearProblems, showProblems };
}
