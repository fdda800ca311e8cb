/* global Element */
/**
 * 登记投诉 (issue 21): staff register a complaint received by phone, at the window (oral or written; a major matter
 * needs the signed form, art. 7(1)), by letter (its scans) or as a 12345 work order (its number). The entry goes to
 * the same POST /api/intake/{channel} as the CLI, so validation and messages are the API's own; it is first checked
 * (POST …/check, nothing stored) so that possible duplicates show before saving. One entry id per form: a double
 * click or a retry files the same case once. Keyboard only: native controls, Enter submits, focus follows the step.
 */
import { ApiError, api } from './api.js';
import { clear, formProblems, h } from './dom.js';

const CHANNELS = [
  ['phone', '电话', '来电人口述，工作人员记录。'],
  ['onsite', '窗口来访', '现场口头或书面投诉；涉及重大事项的须采用书面形式并由投诉人签字（第七条第（一）项）。'],
  ['letter', '来信', '上传来信的扫描件（每页一个文件，图片或 PDF）。'],
  ['workorder', '12345工单', '录入 12345 政务服务便民热线转来的工单。'],
];

/** Server field paths (entry, caller.*, complainant.*) → the input that carries them. */
const FIELD_OF = (field) => {
  const f = String(field).replace(/^(complainant|caller)\./, '');
  if (f === 'evidence') return 'signedForm';
  if (f === 'file' || f === 'files') return 'scans';
  return f;
};

const newEntryId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`);

/** `YYYY-MM-DDTHH:mm` typed in the office (Beijing time) → an instant with its offset. */
const instant = (v) => (v ? `${v}:00+08:00` : undefined);

function field(id, label, input, hint) {
  if (!input.id) input.id = id;
  if (hint) input.setAttribute('aria-describedby', `${id}-hint ${id}-error`);
  else input.setAttribute('aria-describedby', `${id}-error`);
  return h(
    'div',
    { class: 'field', dataset: { field: input.name } },
    h('label', { for: id, text: label }),
    hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null,
    input,
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
  );
}

const text = (name, props = {}) => h('input', { id: `reg-${name}`, name, autocomplete: 'off', ...props });
const area = (name, rows, props = {}) => h('textarea', { id: `reg-${name}`, name, rows: String(rows), ...props });
const check = (name, label, props = {}) => h('label', { class: 'choice', dataset: { field: name } }, h('input', { type: 'checkbox', id: `reg-${name}`, name, ...props }), label);

export function registerPage({ main, page, errorBox, meta, link }) {
  // One id per form: the same entry sent twice (a double click, a retry after a lost answer) is one case.
  const entryId = newEntryId();
  const channelRadios = h(
    'fieldset',
    { class: 'channels' },
    h('legend', { text: '收到投诉的渠道' }),
    CHANNELS.map(([value, label, hint], n) =>
      h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'channel', value, id: `reg-channel-${value}`, checked: n === 0 }), `${label}`, h('span', { class: 'hint', text: ` ${hint}` })),
    ),
  );
  const only = (channels, ...children) => h('div', { class: 'channel-only', dataset: { channels: channels.join(' ') } }, ...children);
  const form = h(
    'form',
    { class: 'register card', novalidate: true, 'aria-labelledby': 'register-title' },
    channelRadios,
    only(
      ['phone'],
      field('reg-hotline', '受理热线号码', text('hotline', { inputmode: 'tel' }), '来电打入的投诉电话号码，如 0825-12345。'),
      field('reg-receivedAt', '来电时间', text('receivedAt', { type: 'datetime-local' }), '不填则为登记时间（北京时间）。'),
    ),
    only(
      ['onsite'],
      h(
        'fieldset',
        {},
        h('legend', { text: '投诉形式' }),
        h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'form', value: 'oral', checked: true }), '口头'),
        h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'form', value: 'written' }), '书面'),
      ),
      field('reg-signedForm', '签字的书面投诉表（扫描件）', h('input', { type: 'file', name: 'signedForm', accept: 'image/*,application/pdf' }), '重大事项必须附上（第七条第（一）项）。'),
      field('reg-evidence', '其他材料', h('input', { type: 'file', name: 'evidence', multiple: true }), '可选，最多 10 个文件，每个不超过 8 MB。'),
    ),
    only(
      ['letter'],
      field('reg-scans', '来信扫描件', h('input', { type: 'file', name: 'scans', multiple: true, accept: 'image/*,application/pdf' }), '必填。每页一个文件，最多 10 个，每个不超过 8 MB。'),
      field('reg-envelopeDate', '信封邮戳日期', text('envelopeDate', { type: 'date' })),
    ),
    only(
      ['workorder'],
      field('reg-workOrderNo', '12345工单编号', text('workOrderNo'), '必填。同一工单编号只登记一次。'),
      field('reg-createdAt', '工单创建时间', text('createdAt', { type: 'datetime-local' }), '必填（北京时间）。'),
      field('reg-category', '工单分类', text('category')),
      field('reg-platformDeadline', '平台办理时限', text('platformDeadline', { type: 'datetime-local' })),
    ),
    h(
      'fieldset',
      {},
      h('legend', { text: '投诉人' }),
      check('anonymous', '匿名投诉（不留姓名；无法接收答复）'),
      field('reg-name', '姓名', text('name', { autocomplete: 'off' })),
      field('reg-organization', '单位名称', text('organization'), '以单位名义投诉时填写。'),
      field('reg-phone', '联系电话', text('phone', { inputmode: 'tel' })),
      field('reg-email', '电子邮箱', text('email', { type: 'email' })),
      field('reg-address', '联系地址', text('address')),
      check('wantsReply', '需要答复', { checked: true }),
      check('confidential', '要求对投诉人信息保密（第十三条）'),
    ),
    h(
      'fieldset',
      {},
      h('legend', { text: '被投诉对象' }),
      field('reg-respondentUnit', '被投诉单位', text('respondentUnit')),
      field('reg-respondentPerson', '被投诉工作人员', text('respondentPerson')),
    ),
    field('reg-matter', '具体投诉事项（必填）', area('matter', 5), '电话、来访请按投诉人原话记录。'),
    field('reg-facts', '事实和理由', area('facts', 4)),
    only(['phone', 'onsite', 'letter'], check('major', '重大事项'), check('stabilityRisk', '可能引发信访维稳风险')),
    h('div', { class: 'form-alert', role: 'alert', id: 'register-alert', hidden: true }),
    h('div', { id: 'register-dups', 'aria-live': 'polite' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'register-submit', text: '核对并登记' })),
  );
  const result = h('div', { id: 'register-result' });
  const alert = form.querySelector('#register-alert');
  const dups = form.querySelector('#register-dups');
  const submit = form.querySelector('#register-submit');
  const el = (name) => form.elements.namedItem(name);
  const channel = () => form.querySelector('input[name="channel"]:checked').value;

  const showChannel = () => {
    const ch = channel();
    for (const d of form.querySelectorAll('.channel-only')) d.hidden = !d.dataset.channels.split(' ').includes(ch);
    clear(dups);
  };
  for (const r of form.querySelectorAll('input[name="channel"]')) r.addEventListener('change', showChannel);

  /** The API's problems, each beside its field and all in the summary (the first one focused). */
  const problemsOf = formProblems(form, alert, (field) => {
    const input = el(FIELD_OF(field));
    return input instanceof Element ? input : input?.[0];
  });
  const clearProblems = problemsOf.clearProblems;
  const showProblems = (problems, message) => problemsOf.showProblems(problems, message ?? '登记内容有误，请按提示修改。');

  const files = (name) => [...(el(name)?.files ?? [])];
  const value = (name) => {
    const v = el(name)?.value?.trim();
    return v ? v : undefined;
  };

  const entry = () => {
    const ch = channel();
    const anonymous = el('anonymous').checked;
    const person = {
      name: value('name'),
      organization: value('organization'),
      phone: value('phone'),
      email: value('email'),
      address: value('address'),
      anonymous,
      ...(anonymous ? {} : { wantsReply: el('wantsReply').checked }),
      confidential: el('confidential').checked,
    };
    const matter = { respondentUnit: value('respondentUnit'), respondentPerson: value('respondentPerson'), matter: el('matter').value, facts: value('facts') };
    if (ch === 'workorder') {
      return {
        workOrderNo: value('workOrderNo'),
        createdAt: instant(value('createdAt')),
        caller: person,
        ...matter,
        category: value('category'),
        platformDeadline: instant(value('platformDeadline')),
        ...(meta.me.department ? { dispatchedTo: meta.me.department } : {}),
      };
    }
    const common = { ...person, ...matter, major: el('major').checked, stabilityRisk: el('stabilityRisk').checked, ...(meta.me.department ? { receivedBy: meta.me.department } : {}) };
    if (ch === 'letter')
      return {
        ...common,
        envelopeDate: value('envelopeDate'),
        file:
          files('scans')
            .map((f) => f.name)
            .join(';') || undefined,
      };
    return { ...common, entryId, ...(ch === 'phone' ? { hotline: value('hotline'), receivedAt: instant(value('receivedAt')) } : { form: form.querySelector('input[name="form"]:checked').value }) };
  };

  const uploads = () => {
    const ch = channel();
    if (ch === 'letter') return { files: files('scans'), signedForm: [] };
    if (ch === 'onsite') return { files: files('evidence'), signedForm: files('signedForm') };
    return { files: [], signedForm: [] };
  };

  const caseLink = (id) => link(`/console/cases/${encodeURIComponent(id)}`, id);

  const save = async () => {
    const ch = channel();
    const e = entry();
    const { files: fs, signedForm } = uploads();
    let body = e;
    if (fs.length || signedForm.length) {
      body = new FormData();
      body.set('entry', JSON.stringify(e));
      for (const f of fs) body.append('files', f, f.name);
      for (const f of signedForm) body.append('signedForm', f, f.name);
    }
    const r = await api.post(`/api/intake/${ch}`, body);
    showResult(r);
  };

  const showResult = (r) => {
    clear(result);
    const readOut = r.queryCode ? `受理编号 ${r.caseId}，查询码 ${r.queryCode}` : null;
    result.append(
      h(
        'section',
        { class: 'card registered', 'aria-labelledby': 'registered-title' },
        h('h2', { id: 'registered-title', tabindex: '-1', text: r.duplicate ? '该投诉此前已登记' : '登记成功' }),
        h(
          'dl',
          { class: 'fields read-out' },
          h('dt', { text: '受理编号' }),
          h('dd', {}, h('strong', { id: 'registered-no', class: 'big', text: r.caseId })),
          r.queryCode ? [h('dt', { text: '查询码' }), h('dd', {}, h('strong', { id: 'registered-code', class: 'big', text: r.queryCode }))] : null,
        ),
        readOut
          ? h('p', { class: 'notice', id: 'registered-read-out', text: `请向投诉人读出并请其记下：${readOut}。凭受理编号和查询码可在网上查询办理进度。查询码只显示这一次。` })
          : h('p', { class: 'notice', text: '同一登记（同一登记编号、工单编号或扫描件）已保存过，没有重复建件；查询码只在首次登记时显示。' }),
        r.mergedInto ? h('p', { class: 'notice', id: 'registered-merged' }, '经核对，本投诉与正在办理的投诉件为同一事项，已并入 ', caseLink(r.mergedInto), ' 合并办理（第十一条）。') : null,
        r.possibleDuplicate
          ? h(
              'div',
              {},
              h('p', { text: '可能重复（请在投诉件页面确认合并或分别办理）：' }),
              h(
                'ul',
                {},
                r.possibleDuplicate.candidates.map((c) => h('li', {}, caseLink(c.caseId), `：${c.reasons.join('；')}`)),
              ),
            )
          : null,
        h(
          'p',
          {},
          caseLink(r.caseId),
          ' ',
          h('button', { type: 'button', class: 'btn', id: 'register-next', text: '登记下一件', on: { click: () => registerPage({ main, page, errorBox, meta, link }) } }),
        ),
      ),
    );
    form.hidden = true;
    result.querySelector('#registered-title').focus();
  };

  const OUTCOME_TEXT = {
    merge: '与以下正在办理的投诉件为同一事项，登记后将自动并入该件合并办理（第十一条）：',
    possible: '可能与以下投诉件重复，请向投诉人核实后再登记（登记后可在投诉件页面合并）：',
    repeat: '与以下已办结的投诉件相同，请向投诉人核实是否有新情况或新证据（第八条第（五）项）：',
  };

  let confirmed = false;
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    submit.disabled = true;
    clearProblems();
    try {
      if (!confirmed) {
        const { files: fs, signedForm } = uploads();
        const check = await api.post(`/api/intake/${channel()}/check`, { entry: entry(), files: [...fs, ...signedForm].map((f) => ({ name: f.name })), signedForm: signedForm.length > 0 });
        if (check.candidates.length > 0) {
          clear(dups);
          dups.append(
            h(
              'section',
              { class: 'card warn', id: 'register-duplicates', 'aria-labelledby': 'dups-title' },
              h('h2', { id: 'dups-title', tabindex: '-1', text: '登记前核对：可能重复' }),
              h('p', { text: OUTCOME_TEXT[check.outcome] ?? OUTCOME_TEXT.possible }),
              h(
                'ul',
                {},
                check.candidates.map((c) => h('li', {}, caseLink(c.caseId), `：${c.reasons.join('；')}`)),
              ),
              h('p', { class: 'hint', text: '核实后按“确认登记”保存；需要修改的，改后再按“核对并登记”。' }),
            ),
          );
          confirmed = true;
          submit.textContent = '确认登记';
          dups.querySelector('#dups-title').focus();
          return;
        }
      }
      await save();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.problems.length) showProblems(err.problems, err.message);
      else {
        clear(alert);
        alert.append(errorBox(err));
        alert.hidden = false;
        alert.focus();
      }
    } finally {
      busy = false;
      submit.disabled = false;
    }
  });
  // Any edit after the duplicates were shown asks for a new check; an edited field loses its old message.
  form.addEventListener('input', (ev) => {
    const t = ev.target;
    if (t instanceof Element && t.getAttribute('aria-invalid') === 'true') {
      t.removeAttribute('aria-invalid');
      const err = form.querySelector(`#${t.id}-error`);
      if (err) {
        err.hidden = true;
        err.textContent = '';
      }
      if (!form.querySelector('[aria-invalid="true"]')) alert.hidden = true;
    }
    if (!confirmed) return;
    confirmed = false;
    submit.textContent = '核对并登记';
    clear(dups);
  });
  alert.setAttribute('tabindex', '-1');

  page('登记投诉', h('p', { class: 'lead', text: '登记通过电话、窗口来访、来信和 12345 工单收到的投诉。登记后系统生成受理编号和查询码，请读给投诉人记下。' }), form, result);
  showChannel();
  form.querySelector('#reg-channel-phone').focus();
}
