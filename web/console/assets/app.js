/* global document, window, history, location, Element, CSS */
/**
 * The staff console (issue 9): login, my queue, the case page with its action forms, search, the
 * possible-duplicates queue, the mail quarantine and the outbox. Routes are paths under /console
 * (the server answers every one with the same shell). Case data is rendered as text only (dom.js).
 */
import { ApiError, api, download, logout, qs, saveSession, session, setUnauthorizedHandler } from './api.js';
import { actionForm } from './actions.js';
import { append, clear, daysLeftText, dueText, fmtDateTime, fmtSize, h, isDueSoon, isOverdue, overdueBadge, provisionalBadge } from './dom.js';
import { REPORT_ROLES, reportPage } from './reports.js';
import { DECISION_ROLES, decisionsPage } from './decisions.js';
import { registerPage } from './register.js';
import { letterReviewPage, lettersPage } from './letters.js';
import { recoveryPage, usersPage } from './admin.js';
import { openBulkDispatch, proposedDepartment, routingReasonText } from './bulk.js';
import { MAX_VIEW_NAME, SORT_KEYS, baselineSeen, builtInViews, deleteView, freshness, markSeen, sameQuery, savedViews, saveView, seenMarks, sortCases, viewQuery } from './queue-state.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const flashEl = document.getElementById('flash');

const FINAL = ['archived', 'merged'];

// Kinds of the notices in the outbox (NOTICE_KINDS of shared/domain/lifecycle/context.ts, plus the intake's
// acknowledgement). GET /api/console/meta carries no labels for them yet; an unknown kind is shown as it is.
const NOTICE_KIND_LABELS = {
  acknowledgement: '收件回执',
  acceptance: '受理告知',
  not_accepted: '不予受理告知',
  referral_12345: '转 12345 记录',
  assignment_slip: '交办单',
  reminder: '到期提醒',
  overdue_alert: '超期通知',
  stability_risk: '信访维稳风险报告',
  extension: '延期通知',
  result_feedback: '办理结果反馈',
  reply_record: '答复记录',
  follow_up_survey: '回访调查',
  termination: '终止办理通知',
  escalation: '上报',
  intervention: '介入处理通知',
  rectification_filed: '整改报备',
  recusal: '回避',
  name_clearing: '提请澄清事实',
  merged: '合并办理告知',
  unmerged: '撤销合并告知',
};

// Where a quarantined mail came in.
const MAIL_SOURCE_LABELS = { smtp: '邮件接收（SMTP）', ses: '邮件接收（SES）', imap: '邮箱收取（IMAP）' };
const WAITING_PHASES = ['dispatch', 'acceptance', 'classification', 'handling', 'rectification', 'reply', 'follow_up'];

let meta = null;
let pendingFlash = '';

// ------------------------------------------------------------------------------------------------ shell

function flash(text) {
  flashEl.textContent = text;
}

/** The message shown at the top of the next page rendered. */
function setFlash(text) {
  pendingFlash = text;
}

function go(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void render();
}

function link(path, text, props = {}) {
  return h('a', { href: path, dataset: { nav: '1' }, ...props }, text);
}

document.addEventListener('click', (ev) => {
  const a = ev.target instanceof Element ? ev.target.closest('a[data-nav]') : null;
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
  ev.preventDefault();
  go(a.getAttribute('href'));
});
window.addEventListener('popstate', () => void render());

// The browser's own print shows a case whole: folded parts (call scripts, letters as issued) open for the paper and
// close again afterwards.
let openedForPrint = [];
window.addEventListener('beforeprint', () => {
  openedForPrint = [...main.querySelectorAll('details:not([open])')];
  for (const d of openedForPrint) d.open = true;
});
window.addEventListener('afterprint', () => {
  for (const d of openedForPrint) d.open = false;
  openedForPrint = [];
});

setUnauthorizedHandler(() => {
  meta = null;
  pendingFlash = '登录已失效，请重新登录。';
  go(`/console/login${qs({ next: location.pathname + location.search })}`, { replace: true });
});

function page(title, ...children) {
  document.title = `${title} - 政务服务投诉处理工作台`;
  clear(main);
  const h1 = h('h1', { tabindex: '-1', text: title });
  main.append(h1, ...children.flat().filter(Boolean));
  h1.focus();
}

function errorBox(err) {
  // The machine code travels on the element too (e.g. respondent_person_conflict, recused: art. 21).
  return h('div', { class: 'error-box', role: 'alert', dataset: err instanceof ApiError && err.code ? { code: err.code } : {} }, err instanceof ApiError ? err.message : '页面出错，请刷新后重试。');
}

/**
 * For the agency and the administrator: a year without its State Council holiday notice (from 1 November) and
 * the open cases that run on provisional dates. Older deployments without the route show nothing.
 */
/** Art. 22: while only a lapsed rules version is in force, every staff page says so (text from GET /api/console/meta). */
function renderRulesBanner() {
  const banner = document.getElementById('rules-banner');
  if (!banner) return;
  const text = meta?.rules?.banner;
  banner.hidden = !text;
  banner.textContent = text ?? '';
}

async function renderCalendarBanner() {
  const banner = document.getElementById('calendar-banner');
  if (!banner) return;
  banner.hidden = true;
  if (!meta || !['agency', 'admin'].includes(meta.me.role)) return;
  try {
    const s = await api.get('/api/admin/calendar');
    if (!s.warning) return;
    banner.textContent = `工作日历提醒：${s.warning}`;
    banner.hidden = false;
  } catch {
    // The banner is advice; the console works without it.
  }
}

function renderNav() {
  clear(nav);
  clear(who);
  if (!meta) {
    nav.hidden = true;
    return;
  }
  const role = meta.me.role;
  const items = [
    ['/console', '我的待办', ['agency', 'department', 'leader']],
    ['/console/register', '登记投诉', ['agency', 'department']],
    ['/console/letters', '来信核对', ['agency']],
    ['/console/search', '查询', ['agency', 'department', 'leader']],
    ['/console/duplicates', '疑似重复件', ['agency', 'department']],
    ['/console/quarantine', '隔离邮件', ['agency', 'admin']],
    ['/console/outbox', '发件箱', ['agency', 'admin']],
    ['/console/calendar', '工作日历', ['agency', 'admin']],
    ['/console/users', '用户管理', ['admin']],
    ['/console/recovery', '死信与流程故障', ['agency', 'admin']],
    ['/console/reports', '考核评价', REPORT_ROLES],
    ['/console/decisions', '考评决定', DECISION_ROLES],
  ].filter(([, , roles]) => roles.includes(role));
  const here = location.pathname;
  nav.append(
    h(
      'ul',
      {},
      items.map(([path, text]) => h('li', {}, link(path, text, { 'aria-current': here === path || (path !== '/console' && here.startsWith(path)) ? 'page' : undefined }))),
    ),
  );
  nav.hidden = false;
  const dept = meta.me.department ? (meta.departments.find((d) => d.code === meta.me.department)?.name ?? meta.me.department) : '';
  who.append(
    h('span', { class: 'me' }, [meta.me.username, meta.me.roleLabel, dept].filter(Boolean).join(' · ')),
    h('button', {
      type: 'button',
      class: 'btn link',
      text: '退出',
      on: {
        click: async () => {
          await logout();
          meta = null;
          go('/console/login');
        },
      },
    }),
  );
}

const deptName = (code) => (code ? (meta.departments.find((d) => d.code === code)?.name ?? code) : '尚未交办');
const phaseLabel = (p) => meta.labels.phases[p] ?? p;

// ------------------------------------------------------------------------------------------------ login

function finishSignIn(r, params) {
  saveSession({ token: r.token, expiresAt: r.expiresAt });
  meta = null;
  const next = params.get('next');
  go(next && next.startsWith('/console') && !next.startsWith('/console/login') ? next : '/console', { replace: true });
}

function loginPage(message = '') {
  const params = new URLSearchParams(location.search);
  const alert = h('div', { class: 'form-alert', role: 'alert', hidden: !message, text: message });
  const form = h(
    'form',
    { class: 'login', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'login-username', text: '用户名' }),
      h('input', { id: 'login-username', name: 'username', autocomplete: 'username', autocapitalize: 'none', required: true }),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'login-password', text: '密码' }),
      h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    ),
    alert,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn primary', text: '登录' })),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    alert.hidden = true;
    const username = form.elements.namedItem('username').value.trim();
    const password = form.elements.namedItem('password').value;
    if (!username || !password) {
      alert.textContent = '请输入用户名和密码。';
      alert.hidden = false;
      return;
    }
    try {
      finishSignIn(await api.post('/api/auth/login', { username, password }), params);
    } catch (err) {
      if (signInStep(err, params)) return;
      alert.textContent = err.status === 401 ? '用户名或密码不正确。' : err.message;
      alert.hidden = false;
    }
  });
  page('工作人员登录', h('p', { class: 'lead', text: '政务服务管理机构、承办部门首席事务代表和主管领导使用本工作台办理投诉件。' }), form);
}

// Further sign-in steps the identity provider may ask for (Cognito on AWS): the login answers 409 with the step's
// code and a short-lived session, kept only in this page's memory.
const SIGN_IN_STEPS = {
  new_password_required: '/api/auth/new-password',
  mfa_code_required: '/api/auth/mfa',
  mfa_setup_required: '/api/auth/mfa-setup',
};

/** A 409 naming a sign-in step → that step's form (true); anything else → false. */
function signInStep(err, params) {
  if (!(err instanceof ApiError) || err.status !== 409 || !SIGN_IN_STEPS[err.code] || typeof err.data.session !== 'string') return false;
  signInStepPage(err.data, params);
  return true;
}

function codeField() {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: 'step-code', text: '动态验证码' }),
    h('input', { id: 'step-code', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', pattern: '[0-9]{6}', required: true }),
  );
}

function signInStepPage(step, params) {
  const alert = h('div', { class: 'form-alert', role: 'alert', hidden: true });
  const show = (text) => {
    alert.textContent = text;
    alert.hidden = false;
  };
  let title;
  let fields;
  let intro = [];
  if (step.code === 'new_password_required') {
    title = '设置新密码';
    fields = [
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'step-new-password', text: '新密码' }),
        h('p', { id: 'step-new-password-hint', class: 'hint', text: '至少 12 位，须同时包含大写字母、小写字母、数字和符号。' }),
        h('input', { id: 'step-new-password', name: 'newPassword', type: 'password', autocomplete: 'new-password', 'aria-describedby': 'step-new-password-hint', required: true }),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'step-confirm', text: '再次输入新密码' }),
        h('input', { id: 'step-confirm', name: 'confirm', type: 'password', autocomplete: 'new-password', required: true }),
      ),
    ];
  } else if (step.code === 'mfa_setup_required') {
    title = '绑定身份验证器';
    const key = String(step.secretCode ?? '')
      .replace(/(.{4})/g, '$1 ')
      .trim();
    intro = [
      h(
        'ol',
        {},
        h('li', { text: '在手机上打开身份验证器应用（如 Microsoft Authenticator、Google 身份验证器、FreeOTP），选择“手动输入密钥”。' }),
        h('li', { text: `账户名填写“${step.username}”，密钥填写下方的字符（基于时间）。` }),
        h('li', { text: '输入应用显示的 6 位动态验证码，完成绑定。以后每次登录都需要输入动态验证码。' }),
      ),
      h('p', {}, '密钥：', h('code', { class: 'totp-secret', text: key })),
      h('details', {}, h('summary', { text: '密钥链接（otpauth）' }), h('p', { class: 'pre', text: String(step.otpauthUri ?? '') })),
    ];
    fields = [codeField()];
  } else {
    title = '输入动态验证码';
    fields = [codeField()];
  }
  const submit = h('button', { type: 'submit', class: 'btn primary', text: '确定' });
  const form = h(
    'form',
    { class: 'login', novalidate: true },
    fields,
    alert,
    h('div', { class: 'form-actions' }, submit, ' ', h('button', { type: 'button', class: 'btn link', text: '返回登录', on: { click: () => loginPage() } })),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    alert.hidden = true;
    const body = { username: step.username, session: step.session };
    if (step.code === 'new_password_required') {
      const pw = form.elements.namedItem('newPassword').value;
      if (!pw) return show('请输入新密码。');
      if (pw !== form.elements.namedItem('confirm').value) return show('两次输入的新密码不一致。');
      body.newPassword = pw;
    } else {
      const code = form.elements.namedItem('code').value.trim();
      if (!/^[0-9]{6}$/.test(code)) return show('请输入 6 位数字动态验证码。');
      body.code = code;
    }
    submit.disabled = true;
    try {
      finishSignIn(await api.post(SIGN_IN_STEPS[step.code], body), params);
    } catch (err) {
      submit.disabled = false;
      if (signInStep(err, params)) return;
      // The step's session lasts minutes: once it is gone, start again from the password.
      if (err.status === 401) return loginPage(err.message);
      show(err.problems?.length ? err.problems.map((p) => p.message).join('；') : err.message);
    }
  });
  page(title, h('p', { class: 'lead', text: step.message ?? '' }), intro, form);
}

// ------------------------------------------------------------------------------------------------ case rows

function byDeadline(a, b) {
  const da = a.dueAt ? Date.parse(a.dueAt) : Infinity;
  const db = b.dueAt ? Date.parse(b.dueAt) : Infinity;
  return da - db || String(a.receivedAt).localeCompare(String(b.receivedAt));
}

/**
 * Actions open at every waiting point (art. 19 termination, recusal, escalation, merging, recording a call or a
 * letter to the complainant, art. 13 secrecy marks): having only these means the case waits on someone else.
 */
const SIDE_ACTIONS = ['recuse', 'escalate', 'merge', 'unmerge', 'terminate', 'request-correction', 'record-coordination', 'record-contact', 'mark-secret', 'lift-secret-mark'];
const isMine = (c) => (c.allowedActions ?? []).some((a) => !SIDE_ACTIONS.includes(a));

/** The routing proposal of a case still to be dispatched: "建议：X" or "待人工分派". */
function routingBadge(c) {
  const r = c.routing;
  if (!r || c.phase !== 'dispatch') return null;
  return h('span', { class: ['badge', r.confident ? 'routing' : 'routing-low'], text: r.confident ? `建议交办：${r.name}` : `待人工分派（建议：${r.name}）` });
}

const ROUTING_KIND_LABELS = { department: '本级部门（单位）', other_jurisdiction: '其他辖区', not_government: '非政务服务事项', unknown: '无法判断' };

/** 分派判断: the decision, its reason and evidence, the ranked candidates, and every re-route. */
function routingSection(c) {
  const r = c.routing;
  if (!r) return null;
  return section(
    '分派判断',
    h(
      'p',
      { class: ['routing-decision', r.confident ? '' : 'low'], id: 'routing-decision' },
      `${ROUTING_KIND_LABELS[r.kind] ?? r.kind}：${r.name}（把握 ${Math.round(r.confidence * 100)}%${r.confident ? '' : '，把握不足，请人工分派'}）`,
    ),
    h('p', { class: 'pre', id: 'routing-reason' }, `依据：${r.reason}`),
    r.evidence.length > 1
      ? h(
          'ul',
          { class: 'routing-evidence' },
          r.evidence.slice(1).map((e) => h('li', { text: e.text })),
        )
      : null,
    dl([
      ['投诉人所写单位', r.unitAsWritten],
      ['告知去向', r.advice],
      ['事项目录版本', r.catalogueVersion],
    ]),
    r.candidates.length > 1
      ? h(
          'table',
          { class: 'routing-candidates', id: 'routing-candidates' },
          h('caption', { text: '候选承办单位（按可能性排序）' }),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['序号', '单位或去向', '可能性', '理由'].map((t) => h('th', { scope: 'col', text: t })),
            ),
          ),
          h(
            'tbody',
            {},
            r.candidates.map((x, n) => h('tr', {}, h('td', { text: String(n + 1) }), h('td', { text: x.name }), h('td', { text: `${Math.round(x.score * 100)}%` }), h('td', { text: x.reason }))),
          ),
        )
      : null,
    (r.reroutes ?? []).length
      ? h(
          'p',
          { class: 'notice', id: 'routing-reroutes' },
          `已改派 ${r.reroutes.length} 次：${r.reroutes.map((x) => `${fmtDateTime(x.at)} ${x.from ? deptName(x.from) : '（未交办）'} → ${deptName(x.to)}`).join('；')}`,
        )
      : null,
  );
}

/** Forms prefilled from the routing decision: the proposed department; for another jurisdiction, the referral. */
function routingPrefill(c) {
  const r = c.routing;
  if (!r) return {};
  if (r.kind === 'department' && c.phase === 'dispatch') return { dispatch: { department: proposedDepartment(c) } };
  if (r.kind === 'other_jurisdiction') return { reject: { reason: 'art8-1', referral: r.advice ?? '', transferTo12345: true } };
  if (r.kind === 'not_government') return { reject: { reason: 'art8-2', explanation: r.advice ?? '' } };
  return {};
}

/**
 * A table of case rows. Options: `department` (the column), `sort` ({ key, dir, onSort }: sortable headings as buttons,
 * aria-sort on the heading), `select` ({ selected: Set, onChange }: a checkbox on every row that allows 交办),
 * `marks` (the user's seen marks: 新 / 有更新 until opened).
 */
function caseTable(items, caption, { department = true, sort, select, marks } = {}) {
  if (items.length === 0) return h('p', { class: 'empty', text: '没有符合条件的投诉件。' });
  const cols = [
    select ? ['select', '选择'] : null,
    ['trackingNo', '受理编号'],
    ['who', '投诉人'],
    ['received', '收到时间'],
    ['channel', '渠道'],
    ['matter', '投诉事项'],
    ['phase', '环节'],
    department ? ['department', '承办部门'] : null,
    ['due', '办理期限'],
    ['left', '剩余工作日'],
  ].filter(Boolean);
  const selectable = (c) => select && (c.allowedActions ?? []).includes('dispatch');
  const heading = ([key, text]) => {
    if (key === 'select') {
      const boxes = () => [...main.querySelectorAll('input.row-select')].filter((b) => !b.closest('tr')?.hidden);
      return h(
        'th',
        { scope: 'col' },
        h('input', {
          type: 'checkbox',
          class: 'select-all',
          'aria-label': '全选可交办的投诉件',
          on: {
            change: (ev) => {
              for (const b of boxes()) {
                b.checked = ev.currentTarget.checked;
                select.onChange(b.dataset.caseId, b.checked);
              }
            },
          },
        }),
      );
    }
    if (!sort || !SORT_KEYS[key]) return h('th', { scope: 'col', text });
    const active = sort.key === key;
    const next = active && sort.dir === 'asc' ? 'desc' : 'asc';
    return h(
      'th',
      { scope: 'col', 'aria-sort': active ? (sort.dir === 'desc' ? 'descending' : 'ascending') : undefined },
      h(
        'button',
        { type: 'button', class: 'sort', dataset: { sort: key }, title: `按${text}${next === 'asc' ? '升序' : '降序'}排列`, on: { click: () => sort.onSort(key, next) } },
        text,
        active ? (sort.dir === 'desc' ? ' ▼' : ' ▲') : '',
      ),
    );
  };
  return h(
    'table',
    { class: 'cases' },
    h('caption', { text: caption }),
    h('thead', {}, h('tr', {}, cols.map(heading))),
    h(
      'tbody',
      {},
      items.map((c) => {
        const fresh = freshness(marks, c);
        return h(
          'tr',
          {
            class: [isOverdue(c) ? 'overdue' : isDueSoon(c) ? 'due-soon' : '', fresh ? 'fresh' : ''],
            dataset: { caseId: c.caseId, fresh, search: [c.trackingNo, c.complainant, c.complainantPhone, c.matter].filter(Boolean).join(' ').toLowerCase() },
          },
          select
            ? h(
                'td',
                { 'data-label': '选择' },
                selectable(c)
                  ? h('input', {
                      type: 'checkbox',
                      class: 'row-select',
                      checked: select.selected.has(c.caseId),
                      'aria-label': `选择 ${c.trackingNo}`,
                      dataset: { caseId: c.caseId },
                      on: { change: (ev) => select.onChange(c.caseId, ev.currentTarget.checked) },
                    })
                  : null,
              )
            : null,
          h(
            'td',
            { 'data-label': '受理编号' },
            link(`/console/cases/${encodeURIComponent(c.caseId)}`, c.trackingNo, { class: 'row-link' }),
            fresh === 'new'
              ? h('span', { class: 'badge badge-new', text: '新', title: '新到的投诉件，打开后不再标记' })
              : fresh === 'changed'
                ? h('span', { class: 'badge badge-new', text: '有更新', title: '上次打开后有新的办理进展，打开后不再标记' })
                : null,
            c.confidential ? h('span', { class: 'badge', text: '保密' }) : null,
            c.possibleDuplicate ? h('span', { class: 'badge badge-dup', text: '可能重复', title: '查重认为可能与另一投诉件为同一投诉事项，请在投诉件页面核对（第十一条）' }) : null,
            c.transferredTo ? h('span', { class: 'badge transferred', title: `${fmtDateTime(c.transferredTo.at)} 移交`, text: `已移交${c.transferredTo.name}` }) : null,
            c.handedOverFrom ? h('span', { class: 'badge handed-over', text: `${c.handedOverFrom.name}移交` }) : null,
          ),
          h('td', { 'data-label': '投诉人', class: 'who-col' }, c.complainant ?? '未留姓名'),
          h('td', { 'data-label': '收到时间' }, fmtDateTime(c.receivedAt)),
          h('td', { 'data-label': '渠道' }, meta.labels.channels[c.channel] ?? c.channel ?? '未记录'),
          // Long text ends with an ellipsis; the whole text shows on hover (title) and on focus (tabindex).
          h('td', { 'data-label': '投诉事项', class: 'matter' }, h('span', { class: 'clip', tabindex: '0', title: c.matter ?? '' }, c.matter ?? ''), routingBadge(c)),
          h('td', { 'data-label': '环节' }, c.phaseLabel ?? phaseLabel(c.phase)),
          department ? h('td', { 'data-label': '承办部门' }, deptName(c.department)) : null,
          h('td', { 'data-label': '办理期限' }, dueText(c), c.dueProvisional ? provisionalBadge() : null),
          h('td', { 'data-label': '剩余工作日', class: 'days' }, overdueBadge(c), ' ', daysLeftText(c)),
        );
      }),
    ),
  );
}

// ------------------------------------------------------------------------------------------------ queue

/** How often the queue asks for new and changed cases (polling works the same behind API Gateway and locally). */
const REFRESH_MS = 10_000;
let refreshTimer = null;
function stopRefresh() {
  if (refreshTimer) clearInterval(refreshTimer);
  refreshTimer = null;
}

const meKey = () => ({ jurisdiction: meta.jurisdiction.code, username: meta.me.username, role: meta.me.role });

/** 视图: the built-in views of the role, then the user's own, with the one in use marked; save and delete. */
function viewsBar(params) {
  const me = meKey();
  const current = viewQuery(params);
  const own = savedViews(me);
  const item = (v, removable) =>
    h(
      'li',
      {},
      link(`/console${qs(v.query)}`, v.name, { class: 'view', 'aria-current': sameQuery(v.query, current) ? 'true' : undefined, dataset: { nav: '1', view: v.name } }),
      removable
        ? h('button', {
            type: 'button',
            class: 'btn link small',
            'aria-label': `删除视图“${v.name}”`,
            text: '×',
            on: {
              click: () => {
                deleteView(me, v.name);
                pendingFlash = `已删除视图“${v.name}”。`;
                void render();
              },
            },
          })
        : null,
    );
  const nameInput = h('input', { id: 'view-name', maxlength: String(MAX_VIEW_NAME), autocomplete: 'off', 'aria-describedby': 'view-name-error' });
  const error = h('p', { class: 'field-error', id: 'view-name-error', hidden: true });
  const saveForm = h(
    'form',
    { class: 'view-save', hidden: true, novalidate: true },
    h('label', { for: 'view-name', text: '视图名称' }),
    ' ',
    nameInput,
    ' ',
    h('button', { type: 'submit', class: 'btn small', text: '保存' }),
    error,
  );
  saveForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const msg = saveView(me, nameInput.value, current);
    if (msg) {
      error.textContent = msg;
      error.hidden = false;
      nameInput.setAttribute('aria-invalid', 'true');
      nameInput.focus();
      return;
    }
    pendingFlash = `已保存视图“${nameInput.value.trim()}”（保存在本浏览器，仅您本人可见）。`;
    void render();
  });
  const toggle = h('button', {
    type: 'button',
    class: 'btn small',
    id: 'view-save-open',
    text: '保存为视图',
    title: '把当前的筛选条件保存为自己的视图',
    on: {
      click: () => {
        saveForm.hidden = false;
        nameInput.focus();
      },
    },
  });
  return h(
    'nav',
    { class: 'views', 'aria-label': '视图' },
    h('span', { class: 'views-label', text: '视图：' }),
    h(
      'ul',
      {},
      builtInViews(me.role).map((v) => item(v, false)),
      own.map((v) => item(v, true)),
    ),
    toggle,
    saveForm,
  );
}

async function queuePage() {
  const params = new URLSearchParams(location.search);
  const phase = params.get('phase') ?? '';
  const overdue = params.get('overdue') ?? '';
  const department = params.get('department') ?? '';
  const channel = params.get('channel') ?? '';
  const sort = {
    key: SORT_KEYS[params.get('sort')] ? params.get('sort') : phase === 'archived' ? 'received' : 'due',
    dir: params.get('dir') === 'desc' || (!params.get('dir') && phase === 'archived' && !params.get('sort')) ? 'desc' : 'asc',
  };
  const ownDepartmentOnly = meta.me.role === 'department';
  const me = meKey();
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': '筛选' },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'q-phase', text: '环节' }),
      // The open phases and the archive are different lists: the archive is not a waiting point (issue 21).
      h(
        'select',
        { id: 'q-phase', name: 'phase' },
        h('option', { value: '', text: '全部待办' }),
        h(
          'optgroup',
          { label: '待办环节' },
          WAITING_PHASES.map((p) => h('option', { value: p, text: phaseLabel(p), selected: p === phase })),
        ),
        h('optgroup', { label: '已办结' }, h('option', { value: 'archived', text: '已归档的投诉件', selected: phase === 'archived' })),
      ),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'q-overdue', text: '是否超期' }),
      h(
        'select',
        { id: 'q-overdue', name: 'overdue' },
        h('option', { value: '', text: '全部' }),
        h('option', { value: 'true', text: '仅超期', selected: overdue === 'true' }),
        h('option', { value: 'false', text: '未超期', selected: overdue === 'false' }),
      ),
    ),
    ownDepartmentOnly
      ? null
      : h(
          'div',
          { class: 'field' },
          h('label', { for: 'q-department', text: '承办部门' }),
          h(
            'select',
            { id: 'q-department', name: 'department' },
            h('option', { value: '', text: '全部部门' }),
            meta.departments.map((d) => h('option', { value: d.code, text: d.name, selected: d.code === department })),
          ),
        ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'q-channel', text: '渠道' }),
      h(
        'select',
        { id: 'q-channel', name: 'channel' },
        h('option', { value: '', text: '全部渠道' }),
        Object.entries(meta.labels.channels).map(([k, v]) => h('option', { value: k, text: v, selected: k === channel })),
      ),
    ),
    h(
      'div',
      { class: 'field grow' },
      h('label', { for: 'q-text', text: '搜索（受理编号、姓名、电话、内容）' }),
      h('input', { id: 'q-text', name: 'q', type: 'search', value: params.get('q') ?? '', autocomplete: 'off', 'aria-describedby': 'q-keys' }),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn', text: '筛选' })),
    h('p', { class: 'hint', id: 'q-keys', text: '快捷键：/ 搜索，j / k 上下移动，x 选中当前件，Enter 打开，? 帮助' }),
  );
  const field = (name) => form.elements.namedItem(name)?.value ?? '';
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(
      `/console${qs({ phase: field('phase'), overdue: field('overdue'), department: field('department'), channel: field('channel'), q: field('q').trim(), sort: params.get('sort'), dir: params.get('dir') })}`,
    );
  });
  // The search narrows the rows shown as one types (every word must occur); the URL keeps it on submit.
  const searchBox = form.elements.namedItem('q');
  const applySearch = () => {
    const words = searchBox.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shownRows = 0;
    for (const tr of main.querySelectorAll('table.cases tbody tr')) {
      const hit = words.every((w) => (tr.dataset.search ?? '').includes(w));
      tr.hidden = !hit;
      if (hit) shownRows++;
    }
    const out = main.querySelector('#q-count');
    if (out) out.textContent = words.length ? `搜索“${searchBox.value.trim()}”：显示 ${shownRows} 件` : '';
  };
  searchBox.addEventListener('input', applySearch);
  const archived = phase === 'archived';
  page(archived ? '已归档的投诉件' : '我的待办', viewsBar(params), form, h('p', { class: 'loading', text: '正在加载……' }));

  const load = async () => {
    const items = [];
    let cursor;
    for (let i = 0; i < 5; i++) {
      const r = await api.get(`/api/cases${qs({ phase, overdue, department, limit: 200, cursor })}`);
      items.push(...r.items);
      cursor = r.cursor;
      if (!cursor) break;
    }
    return { items: channel ? items.filter((c) => c.channel === channel) : items, truncated: Boolean(cursor) };
  };

  let data;
  try {
    data = await load();
  } catch (err) {
    main.querySelector('.loading')?.remove();
    main.append(errorBox(err));
    return;
  }
  main.querySelector('.loading')?.remove();
  const marks = baselineSeen(me, data.items);
  const selected = new Set();
  const mayDispatch = meta.me.role === 'agency' && !archived;
  const bulkButton = mayDispatch ? h('button', { type: 'button', class: 'btn primary', id: 'bulk-dispatch', disabled: true, text: '批量交办（未选择）' }) : null;
  const syncBulk = () => {
    if (!bulkButton) return;
    bulkButton.disabled = selected.size === 0;
    bulkButton.textContent = selected.size ? `批量交办（已选 ${selected.size} 件）` : '批量交办（未选择）';
  };
  const select = mayDispatch
    ? {
        selected,
        onChange: (caseId, on) => {
          if (on) selected.add(caseId);
          else selected.delete(caseId);
          syncBulk();
        },
      }
    : undefined;
  const lists = h('div', { id: 'queue-lists' });
  const live = h('p', { id: 'q-live', class: 'hint', role: 'status', 'aria-live': 'polite' });
  const onSort = (key, dir) => {
    sort.key = key;
    sort.dir = dir;
    const u = new URLSearchParams(location.search);
    u.set('sort', key);
    u.set('dir', dir);
    history.replaceState(null, '', `/console?${u}`);
    draw();
  };
  const tableOpts = { department: !ownDepartmentOnly, sort: { ...sort, onSort }, select, marks: seenMarks(me) ?? marks };

  function draw() {
    const focusedCase = document.activeElement?.closest?.('tr')?.dataset.caseId;
    const focusedClass = document.activeElement?.classList?.contains('row-select') ? 'input.row-select' : 'a.row-link';
    const opts = { ...tableOpts, sort: { ...sort, onSort }, marks: seenMarks(me) ?? marks };
    clear(lists);
    const items = data.items;
    // Selection only of rows still there and still allowing 交办.
    for (const id of [...selected]) if (!items.some((c) => c.caseId === id && (c.allowedActions ?? []).includes('dispatch'))) selected.delete(id);
    syncBulk();
    if (archived) {
      const rows = sortCases(items, sort.key, sort.dir, meta.departments);
      append(lists, [
        h('p', { class: 'summary', text: `共 ${rows.length} 件已归档（已办结，不再计时）。` }),
        caseTable(rows, '已归档的投诉件', { ...opts, select: undefined }),
        data.truncated ? h('p', { class: 'hint', text: '仅显示前 1000 件，请用筛选条件缩小范围。' }) : null,
      ]);
    } else {
      const open = sortCases(phase ? items : items.filter((c) => !FINAL.includes(c.phase)), sort.key, sort.dir, meta.departments);
      // "My queue" is what the caller can move forward; cases waiting on someone else (e.g. the agency's follow-up
      // call, art. 17) stay visible below, apart.
      const shown = open.filter(isMine);
      const others = open.filter((c) => !isMine(c));
      const overdueCount = shown.filter(isOverdue).length;
      const soonCount = shown.filter(isDueSoon).length;
      append(lists, [
        h(
          'p',
          { class: 'summary' },
          `共 ${shown.length} 件`,
          overdueCount > 0 ? h('strong', { class: 'overdue-text', text: `，其中已超期 ${overdueCount} 件` }) : null,
          soonCount > 0 ? h('strong', { class: 'due-soon-text', text: `${overdueCount > 0 ? '、' : '，其中'}今日或下一个工作日到期 ${soonCount} 件` }) : null,
          `。按${SORT_KEYS[sort.key]}${sort.dir === 'desc' ? '降序' : '升序'}排列（点击列标题改变排序）；剩余工作日按法定工作日（含调休）计算，期限截至当日 24 时。`,
        ),
        bulkButton ? h('p', { class: 'toolbar bulk-bar' }, bulkButton, ' ', h('span', { class: 'hint', text: '勾选待交办的投诉件（或按 x），一次确认全部交办。' })) : null,
        caseTable(shown, `待办投诉件（按${SORT_KEYS[sort.key]}排序）`, opts),
        others.length > 0 ? h('h2', { text: `等待其他单位办理（${others.length} 件）` }) : null,
        others.length > 0 ? h('p', { class: 'hint', text: '以下投诉件当前环节由其他单位办理（如政务服务管理机构回访），您可查看，无需操作。' }) : null,
        others.length > 0 ? caseTable(others, '等待其他单位办理的投诉件', { ...opts, select: undefined }) : null,
        data.truncated ? h('p', { class: 'hint', text: '仅显示前 1000 件，请用筛选条件缩小范围。' }) : null,
      ]);
    }
    applySearch();
    if (focusedCase) {
      const again = lists.querySelector(`tr[data-case-id="${CSS.escape(focusedCase)}"] ${focusedClass}`);
      if (again) {
        again.focus();
        again.closest('tr')?.classList.add('current');
      }
    }
  }

  bulkButton?.addEventListener('click', () => {
    const cases = data.items.filter((c) => selected.has(c.caseId));
    if (cases.length === 0) return;
    stopRefresh();
    openBulkDispatch({
      cases,
      meta,
      deptName,
      onFinished: (r) => {
        if (!r) {
          startRefresh();
          return bulkButton.focus();
        }
        // The user's own action is no news to them.
        for (const x of r.results) if (x.ok) markSeen(me, x.caseId, x.version);
        pendingFlash = r.failed ? `批量交办：已交办 ${r.ok} 件，${r.failed} 件未交办。` : `批量交办：已交办 ${r.ok} 件。`;
        void render();
      },
    });
  });

  append(main, [h('p', { id: 'q-count', role: 'status', class: 'hint' }), live, lists]);
  draw();

  // New and changed cases appear without a reload; rows stay marked 新 / 有更新 until opened.
  const here = location.pathname + location.search;
  const startRefresh = () => {
    stopRefresh();
    refreshTimer = setInterval(async () => {
      if (document.visibilityState !== 'visible' || document.getElementById('bulk-dialog')) return;
      if (location.pathname + location.search !== here && location.pathname !== '/console') return stopRefresh();
      let next;
      try {
        next = await load();
      } catch {
        return; // offline for a moment: the next round tries again (a 401 has already sent the user to the login)
      }
      const before = new Map(data.items.map((c) => [c.caseId, c.version]));
      const added = next.items.filter((c) => !before.has(c.caseId)).length;
      const changed = next.items.filter((c) => before.has(c.caseId) && before.get(c.caseId) !== c.version).length;
      const removed = data.items.filter((c) => !next.items.some((x) => x.caseId === c.caseId)).length;
      if (!added && !changed && !removed) return;
      data = next;
      draw();
      live.textContent = `${fmtDateTime(new Date().toISOString())} 已刷新：${[added ? `新到 ${added} 件` : '', changed ? `更新 ${changed} 件` : '', removed ? `移出 ${removed} 件` : ''].filter(Boolean).join('，')}。`;
    }, REFRESH_MS);
  };
  startRefresh();
}

// Keys of the queue (issue 21): / search, j/k next/previous row, Enter opens (the row's link has the focus), ? help.
const KEY_HELP = [
  ['/', '转到搜索框'],
  ['j', '下一件'],
  ['k', '上一件'],
  ['x', '选中或取消选中当前件（批量交办）'],
  ['Enter', '打开当前投诉件'],
  ['?', '显示或关闭本帮助'],
  ['Esc', '关闭帮助'],
];
document.addEventListener('keydown', (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target;
  const typing = t instanceof Element && t.closest('input, textarea, select, [contenteditable]') !== null;
  const help = document.getElementById('kbd-help');
  if (ev.key === 'Escape' && help) {
    help.remove();
    return;
  }
  if (typing) return;
  const search = document.getElementById('q-text');
  if (ev.key === '/' && search) {
    ev.preventDefault();
    search.focus();
    search.select();
  } else if (ev.key === '?') {
    ev.preventDefault();
    if (help) return void help.remove();
    const box = h(
      'section',
      { id: 'kbd-help', class: 'card kbd-help', role: 'dialog', 'aria-labelledby': 'kbd-help-title', tabindex: '-1' },
      h('h2', { id: 'kbd-help-title', text: '快捷键' }),
      h(
        'dl',
        { class: 'fields' },
        KEY_HELP.map(([k, d]) => [h('dt', {}, h('kbd', { text: k })), h('dd', { text: d })]),
      ),
    );
    main.prepend(box);
    box.focus();
  } else if (ev.key === 'x') {
    // Selects (or unselects) the current row for the bulk 交办.
    const box = document.activeElement?.closest?.('tr')?.querySelector('input.row-select');
    if (!box) return;
    ev.preventDefault();
    box.click();
  } else if (ev.key === 'j' || ev.key === 'k') {
    const links = [...main.querySelectorAll('table.cases tbody tr:not([hidden]) a.row-link')];
    if (links.length === 0) return;
    ev.preventDefault();
    const at = links.indexOf(document.activeElement);
    const next = at < 0 ? 0 : Math.max(0, Math.min(links.length - 1, at + (ev.key === 'j' ? 1 : -1)));
    links[next].focus();
    for (const tr of main.querySelectorAll('tr.current')) tr.classList.remove('current');
    links[next].closest('tr')?.classList.add('current');
  }
});

// ------------------------------------------------------------------------------------------------ case page

function dl(rows) {
  return h(
    'dl',
    { class: 'fields' },
    rows.filter((r) => r && r[1] !== undefined && r[1] !== null && r[1] !== '').map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]),
  );
}

function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', { text: title }), ...children);
}

function sectionWithId(id, title, ...children) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title`, tabindex: '-1', text: title }), ...children);
}

function complainantRows(p) {
  if (!p) return [];
  return [
    ['投诉人', p.anonymous ? '匿名' : (p.name ?? p.organization ?? '未留姓名')],
    p.organization && p.name ? ['单位', p.organization] : null,
    ['联系电话', p.phone],
    ['电子邮箱', p.email],
    ['联系地址', p.address],
    ['需要答复', p.wantsReply === false ? '否' : '是'],
    ['要求保密', p.confidential ? '是' : '否'],
  ];
}

// People a mail names whom nothing verifies (a forward from an untrusted sender, a contact written in the
// text): never the complainant, never mailed; staff see them marked as unverified.
const MENTION_SOURCES = { forwarded_original: '转发邮件中署名的原发件人', contact_in_text: '邮件正文中填写的联系方式' };

function mentionRows(list) {
  return (list ?? []).map((m) => [
    '信中提及（未经核实）',
    h(
      'span',
      { class: 'unverified' },
      [m.name, m.organization, m.phone, m.email, m.address].filter(Boolean).join('，') || '未写明身份',
      `（${MENTION_SOURCES[m.source] ?? m.source}；未经核实，不是投诉人，系统不会向其发送邮件）`,
    ),
  ]);
}

const SECRECY_SCOPE = { content: '全部投诉内容', passages: '指定内容' };
const activeSecrecy = (c) => (c.secrecyMarks ?? []).filter((m) => !m.lifted);

function flagsText(c) {
  const f = c.flags ?? {};
  const marks = [...new Set(activeSecrecy(c).map((m) => meta.labels.secrecy?.[m.category] ?? m.category))];
  return (
    [
      f.confidential ? '保密（第十三条）' : null,
      marks.length ? `保密标注：${marks.join('、')}` : null,
      f.anonymous ? '匿名' : null,
      f.major ? '重大事项' : null,
      f.stabilityRisk ? '信访维稳风险' : null,
      f.overdue ? '曾超期（第二十条）' : null,
    ]
      .filter(Boolean)
      .join('、') || '无'
  );
}

function outcomeRows(c) {
  const L = meta.labels;
  const rows = [];
  if (c.conclusion)
    rows.push(['核查结论', `${L.finding[c.conclusion.finding] ?? c.conclusion.finding}（${fmtDateTime(c.conclusion.at)}）`], ['办理结果', h('span', { class: 'pre' }, c.conclusion.summary)]);
  // Art. 15: other problems found during the inquiry, their rectification, and the request to clear the respondent's name.
  if (c.conclusion?.otherProblems) rows.push(['调查中发现的其他问题', h('span', { class: 'pre', id: 'case-other-problems' }, c.conclusion.otherProblems)]);
  if (c.rectification) rows.push(['整改情况', h('span', { class: 'pre' }, c.rectification.summary)]);
  if (c.rectification?.otherProblems) rows.push(['其他问题整改情况', h('span', { class: 'pre' }, c.rectification.otherProblems)]);
  if (c.nameClearing) {
    rows.push(['提请澄清事实', h('span', { class: 'pre', id: 'case-name-clearing' }, `${fmtDateTime(c.nameClearing.requestedAt)} ${c.nameClearing.request}`)]);
    rows.push(['澄清情况', c.nameClearing.clearedAt ? h('span', { class: 'pre' }, `${fmtDateTime(c.nameClearing.clearedAt)} ${c.nameClearing.summary ?? ''}`) : '待政务服务管理机构记录']);
  }
  if (c.reply)
    rows.push(
      ['答复', `${L.replyMethod[c.reply.method] ?? c.reply.method}${c.reply.reasonNone ? `：${L.noReplyReason[c.reply.reasonNone] ?? c.reply.reasonNone}` : ''}`],
      c.reply.summary ? ['答复内容', h('span', { class: 'pre' }, c.reply.summary)] : null,
    );
  if (c.followUp) rows.push(['回访满意度', L.satisfaction[c.followUp.satisfaction] ?? c.followUp.satisfaction]);
  if (c.outcome?.kind === 'not_accepted')
    rows.push(['不予受理', `${L.notAcceptedReasons[c.outcome.reason]?.article ?? c.outcome.reason}${c.outcome.referral ? `；告知去向：${c.outcome.referral}` : ''}`]);
  if (c.outcome?.kind === 'terminated') rows.push(['终止办理', L.terminationReasons[c.outcome.reason]?.article ?? c.outcome.reason]);
  if (c.outcome?.kind === 'transferred') rows.push(['移交', `${c.outcome.to.name}（${c.outcome.to.code}），${fmtDateTime(c.outcome.at)}；对方受理编号 ${c.outcome.trackingNo}`]);
  return rows;
}

/**
 * Hand-overs between jurisdictions' deployments (issue 15, art. 9(1)): a case transferred out says where it went,
 * when, and the hand-over id; a case received by hand-over says where it came from and when it was first made.
 */
function handoverBanner(c) {
  const o = c.outcome;
  if (o?.kind === 'transferred') {
    return h(
      'p',
      { class: 'notice handover', id: 'handover-banner', role: 'status' },
      h('strong', { text: `本件已移交${o.to.name}（${o.to.code}）处理。` }),
      ` 移交时间：${fmtDateTime(o.at)}；对方受理编号：${o.trackingNo}；移交编号：${o.handoverId}。本件在本系统已归档，后续办理与评价由对方负责。`,
    );
  }
  const ho = c.handover;
  if (ho) {
    return h(
      'p',
      { class: 'notice handover', id: 'handover-origin', role: 'status' },
      h('strong', { text: `本件由${ho.from.name}（${ho.from.code}）移交。` }),
      ` 对方受理编号：${ho.fromCaseId}；投诉人最初于 ${fmtDateTime(ho.originalReceivedAt)} 向对方提出；本系统自收到移交时起计算期限；移交编号：${ho.id}。`,
      ho.reason ? ` 移交理由：${ho.reason}` : '',
    );
  }
  return null;
}

function evidenceList(c) {
  const all = [...(c.intake?.evidence ?? []), ...(c.merges ?? []).filter((m) => !m.unmergedAt).flatMap((m) => m.evidence ?? [])];
  if (all.length === 0) return h('p', { class: 'empty', text: '没有证据材料。' });
  return h(
    'ul',
    { class: 'evidence' },
    all.map((e) => {
      const status = h('span', { class: 'hint', role: 'status' });
      return h(
        'li',
        {},
        h('span', { class: 'filename' }, e.filename),
        ` （${e.contentType}，${fmtSize(e.size)}，SHA-256 ${String(e.sha256).slice(0, 12)}…） `,
        h('button', {
          type: 'button',
          class: 'btn small',
          text: '下载',
          on: {
            click: async () => {
              status.textContent = '';
              try {
                await download(`/api/console/cases/${encodeURIComponent(c.caseId)}/evidence/${e.sha256}`, e.filename);
              } catch (err) {
                status.textContent = err.message;
              }
            },
          },
        }),
        status,
      );
    }),
  );
}

function deadlinesTable(c) {
  const rows = c.deadlines ?? [];
  if (rows.length === 0) return h('p', { class: 'empty', text: '暂无期限。' });
  return h(
    'table',
    { class: 'plain' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['期限', '起算', '截止', '状态'].map((t) => h('th', { scope: 'col', text: t })),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((d) =>
        h(
          'tr',
          { class: d.overdueAt ? 'overdue' : undefined },
          h('td', {}, meta.labels.clocks[d.clock] ?? d.clock, d.extended ? '（已延期）' : ''),
          h('td', {}, fmtDateTime(d.startedAt)),
          h('td', {}, fmtDateTime(d.dueAt, '未能计算（工作日历缺少该年度）'), d.provisional ? provisionalBadge(d.provisional.reason) : null),
          h('td', {}, d.overdueAt ? [h('span', { class: 'badge badge-overdue', text: '已超期' }), ` ${fmtDateTime(d.overdueAt)}`] : d.metAt ? `已完成 ${fmtDateTime(d.metAt)}` : '进行中'),
        ),
      ),
    ),
  );
}

/**
 * Art. 13 marks: the agency sees each mark with what it covers and why; everyone else only that content was withheld
 * (the server has already left it out).
 */
function secrecySection(c) {
  const marks = c.secrecyMarks ?? [];
  if (marks.length === 0) return null;
  const L = meta.labels.secrecy ?? {};
  const agency = meta.me.role === 'agency';
  const active = activeSecrecy(c);
  return sectionWithId(
    'secrecy',
    '保密标注',
    active.length && !agency
      ? h('p', {
          class: 'notice',
          id: 'secrecy-withheld',
          text: `本件部分内容经政务服务管理机构标注为${[...new Set(active.map((m) => L[m.category] ?? m.category))].join('、')}（第十三条），已隐去；办理需要查阅的，请按保密规定向政务服务管理机构申请。`,
        })
      : null,
    h(
      'ul',
      { class: 'secrecy-marks' },
      marks.map((m) =>
        h(
          'li',
          { dataset: { mark: m.id, lifted: m.lifted ? '1' : '0' } },
          h('strong', { text: `${m.id} ${L[m.category] ?? m.category}` }),
          `（${SECRECY_SCOPE[m.scope] ?? m.scope}，${fmtDateTime(m.at)}${m.lifted ? `；已于 ${fmtDateTime(m.lifted.at)} 解除` : ''}）`,
          agency && m.reason ? h('p', { class: 'pre', text: `标注理由：${m.reason}` }) : null,
          agency && (m.passages ?? []).length
            ? h(
                'ul',
                { class: 'passages' },
                m.passages.map((x) => h('li', { class: 'pre', text: x })),
              )
            : null,
          agency && m.lifted?.reason ? h('p', { class: 'pre', text: `解除理由：${m.lifted.reason}` }) : null,
        ),
      ),
    ),
  );
}

const CONTACT_CHANNEL = { email: '电子邮件', phone: '电话', letter: '信函' };
const CONTACT_STATUS = { pending: '待办', done: '已完成', failed: '发送失败' };
const CONTACT_OUTCOME = { reached: '已接通', no_answer: '无人接听', retry_later: '改日再拨', posted: '已寄出' };

/** The notices to the complainant, one per channel: the call script or letter as issued, and what staff recorded. */
function contactList(c) {
  return h(
    'ul',
    { class: 'contacts' },
    (c.contacts ?? []).map((t) =>
      h(
        'li',
        { dataset: { contact: t.id, status: t.status } },
        h('strong', { text: `${t.id} ${CONTACT_CHANNEL[t.channel] ?? t.channel}：${t.subject}` }),
        ` （${CONTACT_STATUS[t.status] ?? t.status}）`,
        (t.attempts ?? []).length
          ? h(
              'ol',
              {},
              t.attempts.map((a) => h('li', { text: `${fmtDateTime(a.at)} ${CONTACT_OUTCOME[a.outcome] ?? a.outcome}${a.retryBy ? `，最迟 ${a.retryBy} 再拨` : ''}${a.note ? `：${a.note}` : ''}` })),
            )
          : null,
        h('details', {}, h('summary', { text: t.channel === 'phone' ? '通话话术' : t.channel === 'letter' ? '告知书（打印邮寄）' : '邮件内容' }), h('p', { class: 'pre', text: t.text })),
      ),
    ),
  );
}

function timelineList(events) {
  if (!events?.length) return h('p', { class: 'empty', text: '暂无记录。' });
  return h(
    'ol',
    { class: 'timeline' },
    events.map((e) =>
      h(
        'li',
        {},
        h('time', { datetime: e.at }, fmtDateTime(e.at)),
        h('span', { class: 'phase' }, phaseLabel(e.phase)),
        h('span', { class: 'actor' }, `${meta.labels.roles[e.actor?.role] ?? ''}${e.actor?.id && e.actor.role !== 'system' ? ` ${e.actor.id}` : ''}`),
        h('p', { class: 'pre' }, e.summary),
      ),
    ),
  );
}

async function casePage(caseId) {
  page('投诉件', h('p', { class: 'loading', text: '正在加载……' }));
  let c;
  try {
    c = await api.get(`/api/cases/${encodeURIComponent(caseId)}`);
  } catch (err) {
    page('投诉件', errorBox(err), link('/console', '返回我的待办'));
    return;
  }
  const params = new URLSearchParams(location.search);
  // Opened: no longer 新 / 有更新 in the queue.
  markSeen(meKey(), c.caseId, c.version);
  const L = meta.labels;
  const i = c.intake ?? {};
  const allowed = c.allowedActions ?? c.waiting?.allowedActions ?? [];
  const forms = meta.forms.filter((f) => allowed.includes(f.action));
  const onDone = (updated, form) => {
    pendingFlash = `已提交“${form.label}”。当前环节：${updated.phaseLabel ?? phaseLabel(updated.phase)}。`;
    if ((updated.allowedActions ?? []).length === 0 && form.action === 'recuse') go('/console', { replace: true });
    else void render();
  };
  const prefill = { ...routingPrefill(c), ...(params.get('mergeInto') ? { merge: { into: params.get('mergeInto') } } : {}) };
  const due = c.waiting?.dueAt ?? (c.deadlines ?? []).find((d) => !d.metAt && !d.overdueAt)?.dueAt;
  const statusLine = h(
    'p',
    { class: ['status-line', isOverdue(c) ? 'overdue' : ''] },
    h('span', { class: 'badge phase', text: c.phaseLabel ?? phaseLabel(c.phase) }),
    ' ',
    overdueBadge(c),
    ' ',
    due ? `办理期限 ${fmtDateTime(due)}，${daysLeftText({ ...c, dueAt: due })}` : FINAL.includes(c.phase) ? '' : '当前环节没有进行中的期限',
    due && c.dueProvisional ? provisionalBadge((c.deadlines ?? []).find((d) => d.provisional && !d.metAt)?.provisional?.reason) : null,
    // On a phone the actions come after the whole case: one tap to reach them.
    forms.length > 0
      ? h(
          'a',
          {
            class: 'jump',
            href: `${location.pathname}${location.search}#actions`,
            on: {
              click: (ev) => {
                ev.preventDefault();
                document.getElementById('actions-title')?.focus();
                document.getElementById('actions')?.scrollIntoView();
              },
            },
          },
          `去办理（${forms.length} 项操作）↓`,
        )
      : null,
  );
  const slip =
    (c.assignments ?? []).length > 0
      ? h('p', {}, link(`/console/cases/${encodeURIComponent(c.caseId)}/slip`, '交办单打印视图', { class: 'btn' }))
      : h('p', { class: 'empty', text: '尚未交办，没有交办单。' });

  page(
    `投诉件 ${c.trackingNo}`,
    h('p', { class: 'back' }, link('/console', '← 返回我的待办')),
    statusLine,
    handoverBanner(c),
    c.mergedInto ? h('p', { class: 'notice' }, '本件已合并到 ', link(`/console/cases/${encodeURIComponent(c.mergedInto)}`, c.mergedInto)) : null,
    (c.duplicateSuspects ?? []).length > 0 || (c.dismissedDuplicates ?? []).some((d) => !d.restoredAt) || c.phase === 'merged' ? duplicatesSection(c) : null,
    h(
      'div',
      { class: 'case-grid' },
      h(
        'div',
        { class: 'col' },
        section(
          '基本信息',
          dl([
            ['受理编号', c.trackingNo],
            ['收到时间', fmtDateTime(c.receivedAt)],
            ['来源渠道', (c.sources ?? [{ channel: i.channel }]).map((s) => L.channels[s.channel] ?? s.channel).join('、')],
            ['承办部门', deptName(c.department)],
            [
              '协办单位',
              (c.assignments ?? [])
                .filter((a) => a.role === 'co_handler')
                .map((a) => deptName(a.department))
                .join('、'),
            ],
            ['投诉类型', c.classification ? L.classification[c.classification] : undefined],
            ['标记', flagsText(c)],
            ...complainantRows(i.complainant),
            ...mentionRows(i.unverifiedMentions),
            ['被投诉单位', i.respondent?.unit ?? deptName(i.respondent?.unitCode)],
            ['被投诉人', i.respondent?.person],
          ]),
        ),
        secrecySection(c),
        routingSection(c),
        section(
          '投诉内容',
          h('h3', { text: '具体投诉事项' }),
          h('p', { class: 'pre complaint-text', id: 'case-matter' }, i.matter ?? ''),
          i.facts ? [h('h3', { text: '事实和理由' }), h('p', { class: 'pre complaint-text', id: 'case-facts' }, i.facts)] : null,
          i.channelDetails?.envelopeDate ? h('p', { class: 'hint', text: `信封邮戳日期：${i.channelDetails.envelopeDate}` }) : null,
          // A letter read by OCR keeps what the scans say, as read, beside the fields the clerk confirmed.
          typeof i.channelDetails?.ocrText === 'string'
            ? h(
                'details',
                { id: 'case-transcript' },
                h('summary', { text: '来信识别文本（OCR，未经校对）' }),
                h('p', { class: 'pre complaint-text', id: 'case-transcript-text' }, i.channelDetails.ocrText),
              )
            : null,
        ),
        section('证据材料', evidenceList(c)),
        outcomeRows(c).length ? section('办理结果', dl(outcomeRows(c))) : null,
        section('办理期限', deadlinesTable(c)),
        (c.contacts ?? []).length ? section('告知投诉人', contactList(c)) : null,
        section('办理过程', timelineList(c.timeline)),
      ),
      h(
        'div',
        { class: 'col side' },
        sectionWithId(
          'actions',
          '可办理的操作',
          forms.length === 0
            ? h('p', { class: 'empty', text: '当前环节没有您可以办理的操作。' })
            : forms.map((f, n) =>
                actionForm(f, meta, c.caseId, {
                  prefill: prefill[f.action],
                  hints: f.action === 'dispatch' ? { department: routingReasonText(c) } : undefined,
                  open: n === 0 || (f.action === 'merge' && prefill.merge),
                  onDone,
                }),
              ),
        ),
        section('交办单', slip),
        // Art. 18: an archived case prints as one dossier (归档成册).
        c.phase === 'archived' && c.archive?.at
          ? section('归档案卷', h('p', {}, link(`/console/cases/${encodeURIComponent(c.caseId)}/dossier`, '归档案卷打印视图', { class: 'btn', id: 'dossier-link' })))
          : null,
      ),
    ),
  );
}

/**
 * A server-rendered print document (escaped there) in a sandbox that allows no script. The frame is as tall as its
 * document, A4 text width (console.css), so the browser's own print (Ctrl+P) of the console page prints it whole,
 * across pages, with the console's navigation hidden, exactly as the print button inside the frame does.
 */
function printFrame(title, html, extraClass) {
  const frame = h('iframe', { class: ['slip', 'print-doc', extraClass], title, sandbox: 'allow-same-origin allow-modals' });
  const fit = () => {
    const doc = frame.contentDocument;
    if (!doc?.documentElement) return;
    frame.style.height = '0px';
    frame.style.height = `${Math.ceil(doc.documentElement.scrollHeight) + 16}px`;
  };
  frame.addEventListener('load', fit);
  frame.srcdoc = html;
  // The page may be narrower on screen than on paper (a phone): measure again at the print width.
  window.addEventListener('beforeprint', () => {
    if (!frame.isConnected) return;
    frame.classList.add('measuring');
    fit();
    frame.classList.remove('measuring');
  });
  return frame;
}

/**
 * "可能重复" (art. 11): the pairs the duplicate check flagged, on both cases, with its reasons and the candidate, and
 * the merge as one click (the later case into the earlier one); on a merged case, the unmerge as one click. Both
 * are ordinary actions: audited, on both timelines, and the merged case's complainant is told.
 */
function duplicatesSection(c) {
  const box = sectionWithId('dups', '可能重复', h('p', { class: 'loading', text: '正在加载……' }));
  const act = async (btn, caseId, body, label) => {
    btn.disabled = true;
    try {
      const updated = await api.post(`/api/cases/${encodeURIComponent(caseId)}/actions`, body);
      pendingFlash = `已${label}。投诉件 ${updated.trackingNo ?? caseId} 当前环节：${updated.phaseLabel ?? phaseLabel(updated.phase)}。`;
      void render();
    } catch (err) {
      btn.disabled = false;
      btn.after(errorBox(err));
    }
  };
  // "不是重复" and its undo: both cases, audited (POST …/duplicates/:otherId/dismiss | restore).
  const decide = async (btn, otherId, what, label) => {
    btn.disabled = true;
    try {
      await api.post(`/api/console/cases/${encodeURIComponent(c.caseId)}/duplicates/${encodeURIComponent(otherId)}/${what}`, {});
      pendingFlash = `已${label}。`;
      void render();
    } catch (err) {
      btn.disabled = false;
      btn.after(errorBox(err));
    }
  };
  void (async () => {
    let r;
    try {
      r = await api.get(`/api/console/cases/${encodeURIComponent(c.caseId)}/duplicates`);
    } catch (err) {
      box.replaceChildren(box.firstChild, errorBox(err));
      return;
    }
    const parts = [];
    if (r.mergedInto) {
      parts.push(
        h(
          'p',
          { class: 'dup-merged' },
          '本件已并入 ',
          link(`/console/cases/${encodeURIComponent(r.mergedInto)}`, r.mergedInto),
          ' 合并办理。',
          r.mayUnmerge
            ? [' ', h('button', { type: 'button', class: 'btn', id: 'dup-unmerge', text: '撤销合并', on: { click: (ev) => act(ev.currentTarget, c.caseId, { action: 'unmerge' }, '撤销合并') } })]
            : null,
        ),
      );
    }
    for (const it of r.items) {
      const o = it.candidate;
      parts.push(
        h(
          'div',
          { class: 'dup-item', dataset: { candidate: o.caseId } },
          h(
            'p',
            {},
            h('span', { class: 'badge badge-dup', text: it.dismissed ? '已认定不是重复' : '可能重复' }),
            ' ',
            it.direction === 'of' ? '本件可能与先收到的投诉件 ' : '后收到的投诉件 ',
            o.hidden ? `${o.trackingNo}（您无权查看）` : link(`/console/cases/${encodeURIComponent(o.caseId)}`, o.trackingNo),
            it.direction === 'of' ? ' 为同一投诉事项' : ' 可能与本件为同一投诉事项',
            o.hidden ? '' : `（${o.phaseLabel}，${o.department ? deptName(o.department) : '尚未交办'}）`,
            `，查重得分 ${Number(it.score).toFixed(2)}。`,
          ),
          o.hidden ? null : h('p', { class: 'matter' }, o.matter),
          h(
            'details',
            { open: true },
            h('summary', { text: '判断依据' }),
            h(
              'ul',
              { class: 'dup-reasons' },
              it.reasons.map((x) => h('li', { text: x })),
            ),
          ),
          it.dismissed ? h('p', { class: 'dup-dismissed', text: `${it.dismissed.by} 于 ${fmtDateTime(it.dismissed.at)} 认定不是重复${it.dismissed.note ? `：${it.dismissed.note}` : ''}。` }) : null,
          it.merge || it.mayDismiss || it.mayRestore
            ? h(
                'p',
                {},
                it.merge
                  ? h('button', {
                      type: 'button',
                      class: 'btn primary dup-merge',
                      text: `合并：${it.merge.caseId} 并入 ${it.merge.into}`,
                      on: { click: (ev) => act(ev.currentTarget, it.merge.caseId, { action: 'merge', into: it.merge.into }, '合并') },
                    })
                  : null,
                it.merge && it.mayDismiss ? ' ' : null,
                it.mayDismiss
                  ? h('button', { type: 'button', class: 'btn dup-dismiss', text: '不是重复', on: { click: (ev) => decide(ev.currentTarget, o.caseId, 'dismiss', `认定与 ${o.trackingNo} 不是重复`) } })
                  : null,
                it.mayRestore
                  ? h('button', { type: 'button', class: 'btn dup-restore', text: '撤销“不是重复”', on: { click: (ev) => decide(ev.currentTarget, o.caseId, 'restore', `撤销认定，恢复为可能重复`) } })
                  : null,
              )
            : null,
        ),
      );
    }
    if (parts.length === 0) parts.push(h('p', { class: 'empty', text: '没有待核对的可能重复投诉件。' }));
    box.replaceChildren(box.firstChild, ...parts);
  })();
  return box;
}

async function slipPage(caseId) {
  page('交办单打印视图', h('p', { class: 'loading', text: '正在加载……' }));
  try {
    const res = await api.raw(`/api/cases/${encodeURIComponent(caseId)}/slip`);
    const html = await res.text();
    // The slip is server-rendered HTML (escaped there); shown in a sandbox that allows no script at all.
    const frame = printFrame('政务服务投诉交办单', html);
    page(
      '交办单打印视图',
      h(
        'p',
        { class: 'toolbar' },
        link(`/console/cases/${encodeURIComponent(caseId)}`, '← 返回投诉件'),
        ' ',
        h('button', { type: 'button', class: 'btn primary', text: '打印交办单', on: { click: () => frame.contentWindow?.print() } }),
      ),
      frame,
    );
  } catch (err) {
    page('交办单打印视图', errorBox(err), link(`/console/cases/${encodeURIComponent(caseId)}`, '返回投诉件'));
  }
}

/** The art. 18 dossier (server-rendered, escaped there) in a sandbox that allows no script; printed from the frame, without the console around it. */
async function dossierPage(caseId) {
  const back = link(`/console/cases/${encodeURIComponent(caseId)}`, '← 返回投诉件');
  page('归档案卷', h('p', { class: 'loading', text: '正在加载……' }));
  try {
    const res = await api.raw(`/api/cases/${encodeURIComponent(caseId)}/dossier`);
    const frame = printFrame('投诉处理工作档案', await res.text(), 'dossier');
    page(
      '归档案卷',
      h('p', { class: 'toolbar' }, back, ' ', h('button', { type: 'button', class: 'btn primary', text: '打印归档案卷', on: { click: () => frame.contentWindow?.print() } })),
      h('p', { class: 'hint', text: '案卷含封面、目录、投诉登记、交办单、告知书和通知、办理结论、整改报备、答复、回访和办理过程记录；交办单和通知为发出时的原文。查阅记入访问记录。' }),
      frame,
    );
  } catch (err) {
    page('归档案卷', errorBox(err), back);
  }
}

// ------------------------------------------------------------------------------------------------ search, duplicates

async function searchPage() {
  const q = new URLSearchParams(location.search).get('q') ?? '';
  const err = h('p', { class: 'field-error', id: 'search-q-error', hidden: true });
  const form = h(
    'form',
    { class: 'filters', role: 'search', novalidate: true },
    h(
      'div',
      { class: 'field grow' },
      h('label', { for: 'search-q', text: '受理编号、联系电话或投诉内容' }),
      h('input', { id: 'search-q', name: 'q', value: q, inputmode: 'search', 'aria-describedby': 'search-q-error', autocomplete: 'off' }),
      err,
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn primary', text: '查询' })),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(`/console/search${qs({ q: form.elements.namedItem('q').value.trim() })}`);
  });
  page('查询投诉件', h('p', { class: 'lead', text: '输入完整的受理编号、投诉人联系电话（至少 5 位），或投诉内容中的词语（至少 2 个字，也查找来信的识别文本）。查询记入访问记录。' }), form);
  if (!q) return;
  try {
    const r = await api.get(`/api/console/search${qs({ q })}`);
    append(main, [
      caseTable(r.items.sort(byDeadline), `查询结果（${{ phone: '按联系电话', text: '按投诉内容' }[r.by] ?? '按受理编号'}）`),
      r.truncated ? h('p', { class: 'hint', text: '投诉件较多，只查找了最近的部分。' }) : null,
    ]);
  } catch (e) {
    if (e.status === 400 && e.problems.length) {
      err.textContent = e.problems.map((p) => p.message).join('；');
      err.hidden = false;
      form.elements.namedItem('q').setAttribute('aria-invalid', 'true');
    } else main.append(errorBox(e));
  }
}

async function duplicatesPage() {
  page('疑似重复件', h('p', { class: 'lead', text: '同一投诉经多个渠道提出的，可合并办理（第十一条）。请核对后在投诉件页面合并，或不予处理。' }));
  try {
    const r = await api.get('/api/console/duplicates');
    if (r.items.length === 0) {
      main.append(h('p', { class: 'empty', text: '没有疑似重复的投诉件。' }));
      return;
    }
    main.append(
      h(
        'ul',
        { class: 'dups' },
        r.items.map((c) =>
          h(
            'li',
            { class: 'card' },
            h('p', {}, link(`/console/cases/${encodeURIComponent(c.caseId)}`, c.trackingNo), ` ${c.phaseLabel} · 收到 ${fmtDateTime(c.receivedAt)}`),
            h('p', { class: 'matter' }, c.matter),
            h('p', { class: 'hint', text: '可能与以下投诉件重复：' }),
            h(
              'ul',
              {},
              c.candidates.map((o) =>
                h(
                  'li',
                  {},
                  o.hidden ? `${o.trackingNo}（您无权查看）` : [link(`/console/cases/${encodeURIComponent(o.caseId)}`, o.trackingNo), ` ${o.phaseLabel}：`, h('span', { class: 'matter' }, o.matter)],
                  c.allowedActions.includes('merge') && !o.hidden ? [' ', link(`/console/cases/${encodeURIComponent(c.caseId)}`, '核对并合并…', { class: 'btn small' })] : null,
                  o.reasons
                    ? h(
                        'ul',
                        { class: 'dup-reasons' },
                        o.reasons.map((x) => h('li', { text: x })),
                      )
                    : null,
                ),
              ),
            ),
          ),
        ),
      ),
    );
  } catch (err) {
    main.append(errorBox(err));
  }
}

// ------------------------------------------------------------------------------------------------ quarantine, outbox

/**
 * One outbox or quarantine item opened (art. 21): the server decides what the role may see (masked for the
 * administrator) and records the opening in the audit trail; the item is shown below the list.
 */
async function openMailItem(path, render) {
  let region = main.querySelector('#mail-item');
  if (!region) {
    region = h('section', { class: 'card', id: 'mail-item', tabindex: '-1', 'aria-live': 'polite' });
    main.append(region);
  }
  clear(region);
  try {
    const item = await api.get(path);
    append(region, [
      render(item),
      item.masked ? h('p', { class: 'hint', text: '按最少知悉原则，收件人地址、主题和正文已隐去。本次查看已记入访问记录。' }) : h('p', { class: 'hint', text: '本次查看已记入访问记录。' }),
    ]);
  } catch (err) {
    region.append(errorBox(err));
  }
  region.focus();
}

function outboxDetail(item) {
  const e = item.entry;
  return [
    h('h2', { text: '邮件内容' }),
    h(
      'dl',
      { class: 'facts' },
      [
        ['时间', fmtDateTime(e.at)],
        ['类型', NOTICE_KIND_LABELS[e.kind] ?? e.kind ?? '未注明类型'],
        ['收件人', (e.to ?? []).join('，')],
        ['主题', e.subject ?? ''],
        ['投诉件', e.caseId ?? '不关联投诉件'],
      ].map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', { text: v }))),
    ),
    h('pre', { class: 'mail-text', text: item.text }),
  ];
}

function quarantineDetail(q) {
  return [
    h('h2', { text: '隔离邮件' }),
    h(
      'dl',
      { class: 'facts' },
      [
        ['收到时间', fmtDateTime(q.receivedAt)],
        ['原因', meta.labels.quarantineReasons[q.reason] ?? q.reason],
        ['说明', q.detail],
        ['来源', MAIL_SOURCE_LABELS[q.source] ?? q.source],
        ['发件人', q.fromAddress ?? '未记录'],
        ['主题', q.subject ?? '未记录'],
        ['大小', fmtSize(q.size)],
      ].map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', { text: v }))),
    ),
  ];
}

async function quarantinePage() {
  page('隔离邮件', h('p', { class: 'lead', text: '收到的邮件中不属于投诉的（垃圾邮件、自动回复、退信、无法解析等），未形成投诉件，保留备查。' }));
  try {
    const r = await api.get('/api/quarantine?limit=200');
    if (r.items.length === 0) return void main.append(h('p', { class: 'empty', text: '隔离区为空。' }));
    main.append(
      h(
        'table',
        { class: 'cases' },
        h('caption', { text: '隔离邮件（最新在前）' }),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['收到时间', '原因', '说明', '来源', '大小', '查看'].map((t) => h('th', { scope: 'col', text: t })),
          ),
        ),
        h(
          'tbody',
          {},
          r.items.map((q) =>
            h(
              'tr',
              {},
              h('td', { 'data-label': '收到时间' }, fmtDateTime(q.receivedAt)),
              h('td', { 'data-label': '原因' }, meta.labels.quarantineReasons[q.reason] ?? q.reason),
              h('td', { 'data-label': '说明' }, q.detail),
              h('td', { 'data-label': '来源' }, MAIL_SOURCE_LABELS[q.source] ?? q.source),
              h('td', { 'data-label': '大小' }, fmtSize(q.size)),
              h(
                'td',
                { 'data-label': '查看' },
                h('button', { type: 'button', class: 'btn small', text: '查看', on: { click: () => void openMailItem(`/api/quarantine/${encodeURIComponent(q.id)}`, quarantineDetail) } }),
              ),
            ),
          ),
        ),
      ),
    );
  } catch (err) {
    main.append(errorBox(err));
  }
}

async function outboxPage() {
  page('发件箱', h('p', { class: 'lead', text: '系统发出的通知邮件（受理、交办、提醒、超期、答复等）。' }));
  try {
    const r = await api.get('/api/outbox?limit=200');
    const items = [...r.items].sort((a, b) => String(b.at).localeCompare(String(a.at)));
    if (items.length === 0) return void main.append(h('p', { class: 'empty', text: '发件箱为空。' }));
    main.append(
      h(
        'table',
        { class: 'cases' },
        h('caption', { text: '已发邮件（最新在前）' }),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['时间', '类型', '收件人', '主题', '投诉件', '转发', '查看'].map((t) => h('th', { scope: 'col', text: t })),
          ),
        ),
        h(
          'tbody',
          {},
          items.map((m) =>
            h(
              'tr',
              {},
              h('td', { 'data-label': '时间' }, fmtDateTime(m.at)),
              h('td', { 'data-label': '类型' }, NOTICE_KIND_LABELS[m.kind] ?? m.kind ?? '未注明类型'),
              h('td', { 'data-label': '收件人' }, (m.to ?? []).join('，')),
              h('td', { 'data-label': '主题' }, m.subject),
              h('td', { 'data-label': '投诉件' }, m.caseId ? link(`/console/cases/${encodeURIComponent(m.caseId)}`, m.caseId) : '不关联投诉件'),
              h('td', { 'data-label': '转发' }, m.relay ? (m.relay.ok ? '已转发' : `失败：${m.relay.error ?? ''}`) : '仅本地'),
              h(
                'td',
                { 'data-label': '查看' },
                m.file ? h('button', { type: 'button', class: 'btn small', text: '查看', on: { click: () => void openMailItem(`/api/outbox/${encodeURIComponent(m.file)}`, outboxDetail) } }) : '',
              ),
            ),
          ),
        ),
      ),
    );
  } catch (err) {
    main.append(errorBox(err));
  }
}

/**
 * The working-day calendar: the years with their State Council notice, a missing year and the open cases on
 * provisional dates; the administrator pastes a new notice, checks what was read, and imports it (the open cases'
 * provisional deadlines are then recomputed on the server).
 */
async function calendarPage() {
  page('工作日历', h('p', { class: 'lead', text: '办理期限按工作日计算。国务院办公厅公布新一年的节假日安排后，在此导入通知全文。' }));
  let status;
  try {
    status = await api.get('/api/admin/calendar');
  } catch (err) {
    return void main.append(errorBox(err));
  }
  main.append(
    status.warning ? h('div', { class: 'banner-warning', role: 'alert', text: status.warning }) : h('p', { text: '在办投诉的期限均按已导入的通知计算。' }),
    h('h2', { text: '已有年份' }),
    h(
      'ul',
      {},
      status.years.map((y) => h('li', { text: `${y.year} 年：${y.source}` })),
    ),
  );
  if (meta.me.role !== 'admin') return;
  const text = h('textarea', { id: 'notice-text', rows: '12', 'aria-describedby': 'notice-hint' });
  const result = h('div', { id: 'notice-result', 'aria-live': 'polite' });
  const send = async (confirm) => {
    clear(result);
    try {
      const r = await api.post('/api/admin/calendar', { text: text.value, ...(confirm ? { confirm: true } : {}) });
      if (confirm) {
        pendingFlash = `已导入 ${r.imported} 年节假日安排，重新计算了 ${r.recompute.casesRecomputed} 件在办投诉的暂定期限。`;
        return void render();
      }
      const y = r.preview;
      result.append(
        h('h3', { text: `${y.year} 年：${y.source}` }),
        h('p', { text: `放假日（${y.holidays.length} 天）：${y.holidays.join('、')}` }),
        h('p', { text: `调休上班日（${y.workdays.length} 天）：${y.workdays.join('、') || '无'}` }),
        h('button', { type: 'button', class: 'btn', text: `确认导入 ${y.year} 年`, on: { click: () => void send(true) } }),
      );
    } catch (err) {
      result.append(errorBox(err));
    }
  };
  main.append(
    h('h2', { text: '导入节假日安排通知' }),
    h('label', { for: 'notice-text', text: '通知全文（含标题）' }),
    h('p', { class: 'hint', id: 'notice-hint', text: '粘贴《国务院办公厅关于某年部分节假日安排的通知》全文，先读取核对，再确认导入。' }),
    text,
    h('p', {}, h('button', { type: 'button', class: 'btn', text: '读取并核对', on: { click: () => void send(false) } })),
    result,
  );
}

// ------------------------------------------------------------------------------------------------ router

async function render() {
  const path = location.pathname.replace(/\/+$/, '') || '/console';
  stopRefresh();
  document.getElementById('bulk-dialog')?.remove();
  flash(pendingFlash);
  pendingFlash = '';
  if (path === '/console/login') {
    meta = null;
    renderRulesBanner();
    renderNav();
    return loginPage();
  }
  if (!session()) return go(`/console/login${qs({ next: location.pathname + location.search })}`, { replace: true });
  if (!meta) {
    try {
      meta = await api.get('/api/console/meta');
    } catch (err) {
      if (err.status !== 401) page('工作台', errorBox(err));
      return;
    }
    void renderCalendarBanner();
  }
  renderRulesBanner();
  renderNav();
  const m = /^\/console\/cases\/([^/]+)(\/slip|\/dossier)?$/.exec(path);
  if (m) return m[2] === '/slip' ? slipPage(decodeURIComponent(m[1])) : m[2] === '/dossier' ? dossierPage(decodeURIComponent(m[1])) : casePage(decodeURIComponent(m[1]));
  const letter = /^\/console\/letters\/([^/]+)$/.exec(path);
  if (letter) return letterReviewPage(decodeURIComponent(letter[1]), { page, errorBox, link, go, setFlash });
  switch (path) {
    case '/console/letters':
      return lettersPage({ page, errorBox, link });
    case '/console':
      return meta.me.role === 'admin' ? outboxPage() : queuePage();
    case '/console/register':
      return registerPage({ main, page, errorBox, meta, link });
    case '/console/search':
      return searchPage();
    case '/console/duplicates':
      return duplicatesPage();
    case '/console/quarantine':
      return quarantinePage();
    case '/console/outbox':
      return outboxPage();
    case '/console/calendar':
      return calendarPage();
    case '/console/users':
      return usersPage({ main, page, errorBox, meta, render, setFlash });
    case '/console/recovery':
      return recoveryPage({ main, page, errorBox, meta, link, render, setFlash });
    case '/console/reports':
      return reportPage({ main, page, errorBox, go, role: meta.me.role, clocks: meta.labels.clocks });
    case '/console/decisions':
      return decisionsPage({ main, page, errorBox, go, render, setFlash, role: meta.me.role });
    default:
      page('未找到页面', h('p', {}, link('/console', '返回我的待办')));
  }
}

void render();
