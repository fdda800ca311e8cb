/* global location */
/**
 * Administration in the console (issue 21, item 3): 用户管理 (create, disable/enable, reset password, role and
 * department; every change audited and listed) and 死信与流程故障 (the dead letters with 重放 and the cases whose
 * workflow failed or stopped with 重新启动流程), so nothing is stuck where only the CLI reaches it. The routes are
 * functions/api/routes/admin.ts, the same on AWS and in the embedded runtime.
 */
import { api, qs } from './api.js';
import { fmtDateTime, h } from './dom.js';

const ROLE_OPTIONS = [
  ['agency', '政务服务管理机构'],
  ['department', '承办部门首席事务代表'],
  ['leader', '主管领导'],
  ['admin', '系统管理员'],
];

const CHANGE_LABELS = {
  user_created: '创建账户',
  user_disabled: '停用账户',
  user_enabled: '启用账户',
  user_password_reset: '重置密码',
  user_role_changed: '变更角色或部门',
};

function fieldErrors(formEl, err, prefix) {
  for (const el of formEl.querySelectorAll('.field-error')) {
    el.hidden = true;
    el.textContent = '';
  }
  for (const el of formEl.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const rest = [];
  let first;
  for (const p of err.problems ?? []) {
    const name = String(p.field ?? '').split('.')[0];
    const box = formEl.querySelector(`#${prefix}-${name}-error`);
    const input = formEl.querySelector(`#${prefix}-${name}`);
    if (box && input) {
      box.textContent = p.message;
      box.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    } else rest.push(p.message);
  }
  return { first, rest };
}

function input(prefix, name, label, props = {}) {
  const id = `${prefix}-${name}`;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id, text: label }),
    props.hint ? h('p', { class: 'hint', id: `${id}-hint`, text: props.hint }) : null,
    props.options
      ? h(
          'select',
          { id, name, 'aria-describedby': `${id}-error` },
          props.options.map(([v, t]) => h('option', { value: v, text: t, selected: v === props.value })),
        )
      : h('input', {
          id,
          name,
          type: props.type ?? 'text',
          autocomplete: props.autocomplete ?? 'off',
          'aria-describedby': [`${id}-error`, props.hint ? `${id}-hint` : null].filter(Boolean).join(' '),
        }),
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
  );
}

/** 用户管理: the accounts, a create form, and per account disable/enable, reset password and role. */
export async function usersPage({ main, page, errorBox, meta, render, setFlash }) {
  // The role names the rest of the console uses (GET /api/console/meta), in this order.
  const ROLES = ROLE_OPTIONS.map(([v, t]) => [v, meta.labels.roles?.[v] ?? t]);
  page(
    '用户管理',
    h('p', { class: 'lead', text: '创建和停用工作人员账户、重置密码、变更角色和所属部门。每项变更立即使该账户已登录的会话失效，并记入变更记录。' }),
    h('p', { class: 'loading', text: '正在加载……' }),
  );
  let r;
  try {
    r = await api.get('/api/admin/users');
  } catch (err) {
    main.querySelector('.loading')?.remove();
    return void main.append(errorBox(err));
  }
  main.querySelector('.loading')?.remove();
  const deptOptions = [['', '（不属于部门）'], ...meta.departments.map((d) => [d.code, d.name])];
  const deptName = (code) => meta.departments.find((d) => d.code === code)?.name ?? code;

  // ---------------------------------------------------------------------------------------------- create
  const alert = h('div', { class: 'form-alert', role: 'alert', hidden: true });
  const create = h(
    'form',
    { class: 'card admin-create', id: 'user-create', novalidate: true, 'aria-labelledby': 'user-create-title' },
    h('h2', { id: 'user-create-title', text: '新建账户' }),
    input('nu', 'username', '用户名', { hint: '2 到 64 个字母、数字、点、下划线或连字符，登录时使用。' }),
    input('nu', 'name', '姓名（选填）'),
    input('nu', 'role', '角色', { options: ROLES, value: 'department' }),
    input('nu', 'department', '所属部门（部门联络人必填）', { options: deptOptions }),
    input('nu', 'password', '初始密码', { type: 'password', autocomplete: 'new-password', hint: '请当面或电话告知本人，并提醒其登录后尽快修改。' }),
    alert,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'user-create-submit', text: '创建账户' })),
  );
  create.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    alert.hidden = true;
    const v = (n) => create.elements.namedItem(n).value.trim();
    const body = {
      username: v('username'),
      role: v('role'),
      password: create.elements.namedItem('password').value,
      ...(v('name') ? { name: v('name') } : {}),
      ...(v('department') ? { department: v('department') } : {}),
    };
    try {
      const u = await api.post('/api/admin/users', body);
      setFlash(`已创建账户 ${u.username}（${u.roleLabel}${u.department ? `，${deptName(u.department)}` : ''}）。`);
      void render();
    } catch (err) {
      const { first, rest } = fieldErrors(create, err, 'nu');
      alert.textContent = rest.length ? rest.join('；') : err.problems?.length ? `创建未成功，请修改 ${err.problems.length} 处问题。` : err.message;
      alert.hidden = false;
      (first ?? alert).focus?.();
    }
  });

  // ---------------------------------------------------------------------------------------------- list
  const act = async (btn, path, body, done) => {
    const status = btn.closest('tr').querySelector('.row-status');
    btn.disabled = true;
    status.textContent = '';
    try {
      const u = await api.post(path, body);
      setFlash(done(u));
      void render();
    } catch (err) {
      btn.disabled = false;
      status.textContent = err.problems?.length ? err.problems.map((p) => p.message).join('；') : err.message;
    }
  };
  const rowFor = (u) => {
    const enc = encodeURIComponent(u.username);
    const pwId = `pw-${u.username}`;
    const pw = h('input', { id: pwId, type: 'password', autocomplete: 'new-password', class: 'small' });
    const pwForm = h(
      'form',
      { class: 'inline', hidden: true, novalidate: true },
      h('label', { for: pwId, text: '新密码' }),
      ' ',
      pw,
      ' ',
      h('button', { type: 'submit', class: 'btn small', text: '确认重置' }),
    );
    pwForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void act(pwForm.querySelector('button'), `/api/admin/users/${enc}/password`, { password: pw.value }, () => `已重置 ${u.username} 的密码，其已登录的会话已失效。`);
    });
    const roleId = `role-${u.username}`;
    const deptId = `dept-${u.username}`;
    const roleSel = h(
      'select',
      { id: roleId },
      ROLES.map(([v, t]) => h('option', { value: v, text: t, selected: v === u.role })),
    );
    const deptSel = h(
      'select',
      { id: deptId },
      deptOptions.map(([v, t]) => h('option', { value: v, text: t, selected: v === (u.department ?? '') })),
    );
    const roleForm = h(
      'form',
      { class: 'inline', hidden: true, novalidate: true },
      h('label', { for: roleId, text: '角色' }),
      ' ',
      roleSel,
      ' ',
      h('label', { for: deptId, text: '部门' }),
      ' ',
      deptSel,
      ' ',
      h('button', { type: 'submit', class: 'btn small', text: '确认变更' }),
    );
    roleForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void act(
        roleForm.querySelector('button'),
        `/api/admin/users/${enc}`,
        { role: roleSel.value, ...(deptSel.value ? { department: deptSel.value } : {}) },
        (x) => `已将 ${u.username} 变更为${x.roleLabel}${x.department ? `（${deptName(x.department)}）` : ''}，其已登录的会话已失效。`,
      );
    });
    const reveal = (form, focus) => () => {
      form.hidden = !form.hidden;
      if (!form.hidden) focus.focus();
    };
    return h(
      'tr',
      { dataset: { username: u.username }, class: u.disabled ? 'disabled' : undefined },
      h('th', { scope: 'row' }, u.username),
      h('td', {}, u.name ?? '未填写'),
      h('td', {}, u.roleLabel ?? u.role),
      h('td', {}, u.department ? deptName(u.department) : '不属于部门'),
      h('td', {}, u.disabled ? h('span', { class: 'badge badge-overdue', text: '已停用' }) : '启用', u.mustChangePassword ? h('span', { class: 'badge', text: '待本人修改密码' }) : null),
      h('td', {}, u.lastLoginAt ? fmtDateTime(u.lastLoginAt) : '从未登录'),
      h(
        'td',
        { class: 'row-actions' },
        u.username === meta.me.username
          ? h('span', { class: 'hint', text: '当前登录账户' })
          : h('button', {
              type: 'button',
              class: 'btn small',
              text: u.disabled ? '启用' : '停用',
              'aria-label': `${u.disabled ? '启用' : '停用'} ${u.username}`,
              on: { click: (ev) => void act(ev.currentTarget, `/api/admin/users/${enc}`, { disabled: !u.disabled }, () => `已${u.disabled ? '启用' : '停用'}账户 ${u.username}。`) },
            }),
        ' ',
        h('button', { type: 'button', class: 'btn small', text: '重置密码', 'aria-label': `重置 ${u.username} 的密码`, on: { click: reveal(pwForm, pw) } }),
        ' ',
        h('button', { type: 'button', class: 'btn small', text: '变更角色', 'aria-label': `变更 ${u.username} 的角色或部门`, on: { click: reveal(roleForm, roleSel) } }),
        pwForm,
        roleForm,
        h('p', { class: 'row-status warn', role: 'status' }),
      ),
    );
  };
  const table = h(
    'table',
    { class: 'plain users', id: 'users' },
    h('caption', { text: `账户（${r.items.length} 个）` }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['用户名', '姓名', '角色', '部门', '状态', '最近登录', '操作'].map((t) => h('th', { scope: 'col', text: t })),
      ),
    ),
    h('tbody', {}, r.items.map(rowFor)),
  );
  const changes = h(
    'section',
    { class: 'card', 'aria-labelledby': 'user-changes-title' },
    h('h2', { id: 'user-changes-title', text: '变更记录（最近 50 条）' }),
    r.changes.length === 0
      ? h('p', { class: 'empty', text: '暂无变更记录。' })
      : h(
          'ol',
          { class: 'timeline', id: 'user-changes' },
          r.changes.map((c) =>
            h(
              'li',
              {},
              h('time', { datetime: c.at }, fmtDateTime(c.at)),
              ` ${c.actor?.id ?? ''} ${CHANGE_LABELS[c.what] ?? c.what}：${c.detail?.username ?? ''}${c.detail?.role ? `（${ROLES.find(([v]) => v === c.detail.role)?.[1] ?? c.detail.role}${c.detail.department ? `，${deptName(c.detail.department)}` : ''}）` : ''}`,
            ),
          ),
        ),
  );
  main.append(table, create, changes);
}

const DL_KINDS = { intake: '未能立案的来件', orphan_claim: '写入中断的来件', handover: '未能移交的投诉件' };
const FINDING_KINDS = { not_started: '流程未启动或启动失败', no_waiting_task: '流程中断（没有等待中的办理环节）', missed_wake_up: '到期提醒未按时触发', unjoined_merge: '合并未完成' };

/** 死信与流程故障: dead letters with 重放, cases whose workflow failed with 重新启动流程. */
export async function recoveryPage({ main, page, errorBox, meta, link, render, setFlash }) {
  const status = new URLSearchParams(location.search).get('status') === 'resolved' ? 'resolved' : 'open';
  page('死信与流程故障', h('p', { class: 'lead', text: '未能立案的来件（死信）和流程出错的投诉件在此重新提交，无需使用命令行。重放和重新启动都是幂等的：不会产生重复件。每次操作记入访问记录。' }));
  const dlBox = h(
    'section',
    { class: 'card', 'aria-labelledby': 'dl-title' },
    h('h2', { id: 'dl-title', text: status === 'open' ? '待处理的死信' : '已处理的死信' }),
    h('p', {}, status === 'open' ? link('/console/recovery?status=resolved', '查看已处理的死信') : link('/console/recovery', '查看待处理的死信')),
    h('p', { class: 'loading', text: '正在加载……' }),
  );
  const wfBox = h('section', { class: 'card', 'aria-labelledby': 'wf-title' }, h('h2', { id: 'wf-title', text: '流程故障的投诉件' }), h('p', { class: 'loading', text: '正在加载……' }));
  main.append(dlBox, wfBox);
  const canRead = meta.me.role !== 'admin';
  const rowStatus = () => h('td', { class: 'row-status', role: 'status' });

  try {
    const r = await api.get(`/api/admin/dead-letters${qs({ status })}`);
    dlBox.querySelector('.loading').remove();
    if (r.items.length === 0) dlBox.append(h('p', { class: 'empty', text: status === 'open' ? '没有待处理的死信。' : '没有已处理的死信。' }));
    else {
      dlBox.append(
        h(
          'table',
          { class: 'plain', id: 'dead-letters' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['编号', '类型', '渠道', '首次失败', '最近尝试', '尝试次数', '错误', status === 'open' ? '操作' : '处理结果', ''].map((t) => h('th', { scope: 'col', text: t })),
            ),
          ),
          h(
            'tbody',
            {},
            r.items.map((d) => {
              const cell = rowStatus();
              return h(
                'tr',
                { dataset: { deadLetter: d.id } },
                h('th', { scope: 'row', title: d.id }, d.id.slice(0, 8)),
                h('td', {}, DL_KINDS[d.kind] ?? d.kind),
                h('td', {}, meta.labels.channels[d.channel] ?? d.channel ?? '未记录'),
                h('td', {}, fmtDateTime(d.firstFailedAt)),
                h('td', {}, fmtDateTime(d.lastAttemptAt)),
                h('td', {}, String(d.attempts)),
                h('td', {}, `${d.error?.name ?? ''}${d.error?.code ? `（${d.error.code}）` : ''}`),
                status === 'open'
                  ? h(
                      'td',
                      {},
                      h('button', {
                        type: 'button',
                        class: 'btn small primary',
                        text: '重放',
                        'aria-label': `重放死信 ${d.id.slice(0, 8)}`,
                        on: {
                          click: async (ev) => {
                            const btn = ev.currentTarget;
                            btn.disabled = true;
                            cell.textContent = '正在重放……';
                            try {
                              const out = await api.post(`/api/admin/dead-letters/${d.id}/replay`, {});
                              if (out.ok) {
                                setFlash(`死信 ${d.id.slice(0, 8)} ${out.note}${out.caseId ? `受理编号 ${out.caseId}。` : ''}`);
                                return void render();
                              }
                              cell.textContent = out.note;
                              btn.disabled = false;
                            } catch (err) {
                              cell.textContent = err.message;
                              btn.disabled = false;
                            }
                          },
                        },
                      }),
                    )
                  : h('td', {}, `${d.resolution?.note ?? ''}${d.resolution?.caseId ? ` ${d.resolution.caseId}` : ''}`),
                cell,
              );
            }),
          ),
        ),
        r.truncated ? h('p', { class: 'hint', text: '仅显示最早的 1000 条。' }) : null,
      );
    }
  } catch (err) {
    dlBox.querySelector('.loading')?.remove();
    dlBox.append(errorBox(err));
  }

  try {
    const r = await api.get('/api/admin/workflows');
    wfBox.querySelector('.loading').remove();
    wfBox.append(
      h('p', { class: 'hint', text: `检查了 ${r.casesChecked} 件投诉（超过 ${Math.round(r.thresholdMs / 60000)} 分钟没有进展的才列出）；系统每 10 分钟（AWS 上每 15 分钟）也会自动处理。` }),
    );
    if (r.items.length === 0) wfBox.append(h('p', { class: 'empty', text: '没有流程故障的投诉件。' }));
    else {
      wfBox.append(
        h(
          'table',
          { class: 'plain', id: 'workflows' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['投诉件', '问题', '环节', '操作', ''].map((t) => h('th', { scope: 'col', text: t })),
            ),
          ),
          h(
            'tbody',
            {},
            r.items.map((f) => {
              const cell = rowStatus();
              return h(
                'tr',
                { dataset: { caseId: f.caseId } },
                h('th', { scope: 'row' }, canRead ? link(`/console/cases/${encodeURIComponent(f.caseId)}`, f.caseId) : f.caseId),
                h('td', {}, FINDING_KINDS[f.kind] ?? f.kind, f.into ? `（并入 ${f.into}）` : ''),
                h('td', {}, f.phase ? (meta.labels.phases[f.phase] ?? f.phase) : ''),
                h(
                  'td',
                  {},
                  h('button', {
                    type: 'button',
                    class: 'btn small primary',
                    text: '重新启动流程',
                    'aria-label': `重新启动 ${f.caseId} 的流程`,
                    on: {
                      click: async (ev) => {
                        const btn = ev.currentTarget;
                        btn.disabled = true;
                        try {
                          const out = await api.post(`/api/admin/workflows/${encodeURIComponent(f.caseId)}/retry`, {});
                          cell.textContent = out.problems.length ? `仍未成功：${out.problems.join('、')}` : out.findings.length ? '已重新启动，稍后刷新查看。' : '该件已恢复正常，无需处理。';
                          if (out.problems.length) btn.disabled = false;
                        } catch (err) {
                          cell.textContent = err.message;
                          btn.disabled = false;
                        }
                      },
                    },
                  }),
                ),
                cell,
              );
            }),
          ),
        ),
      );
    }
  } catch (err) {
    wfBox.querySelector('.loading')?.remove();
    wfBox.append(errorBox(err));
  }
}
