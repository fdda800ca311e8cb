/* global FileReader, HTMLElement, HTMLInputElement, HTMLTextAreaElement */
/**
 * 来信核对: scanned letters read by OCR wait here for the clerk. The list shows each batch's progress; the review
 * screen shows the scan beside the proposed fields. Keyboard first: the focus starts on the first field the clerk
 * must fill (or the first field), Tab goes through the fields, Enter accepts the letter (Shift+Enter: a new line
 * in a long field). A field the reading left empty (under the confidence threshold, not found, or not fitting) is
 * marked “待填写” with what the page seems to say and why. Accepting files the letter through the same validated
 * letter intake as a keyed manifest row; then the next letter of the batch opens.
 */
import { ApiError, api } from './api.js';
import { clear, fmtDateTime, formProblems, h } from './dom.js';

const FIELDS = [
  ['name', '投诉人姓名', 'text'],
  ['phone', '联系电话', 'text'],
  ['address', '联系地址', 'text'],
  ['respondentUnit', '被投诉单位', 'text'],
  ['respondentPerson', '被投诉人', 'text'],
  ['matter', '具体投诉事项', 'area'],
  ['facts', '事实和理由', 'area'],
  ['envelopeDate', '信封邮戳日期', 'date'],
];

const REASONS = {
  low_confidence: '识别置信度低于阈值',
  not_found: '信中未找到',
  invalid: '识别结果不像该栏内容',
};

const pct = (x) => `${Math.round((x ?? 0) * 100)}%`;

function progressText(b) {
  if (!b) return '';
  const reading = b.reading ? `正在识别（已识别 ${b.read} / ${b.letters} 封）；` : '';
  return `批次 ${b.batch}：共 ${b.letters} 封，${reading}已核对立案 ${b.confirmed} 封，待核对 ${b.pending} 封`;
}

function progressBar(b, id) {
  return h(
    'div',
    { class: 'batch-progress', id },
    h('progress', { max: String(Math.max(b.letters, 1)), value: String(b.confirmed), 'aria-label': `批次 ${b.batch} 核对进度` }),
    h('span', { class: 'progress-text', text: progressText(b) }),
  );
}

/** A scan fetched with the bearer token and shown as a data: URL (the console's CSP allows no other image source). */
async function scanImage(letterId, name, alt) {
  const img = h('img', { class: 'scan', alt });
  const res = await api.raw(`/api/console/letters/${encodeURIComponent(letterId)}/scans/${encodeURIComponent(name)}`);
  const blob = await res.blob();
  if (!/^image\/(jpeg|png|webp)$/.test(blob.type)) return h('p', { class: 'notice', text: `扫描件 ${name} 不是可显示的图片。` });
  img.src = await new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(new Error('scan unreadable'));
    r.readAsDataURL(blob);
  });
  return img;
}

export async function lettersPage({ page, errorBox, link }) {
  page('来信核对', h('p', { class: 'loading', text: '正在加载……' }));
  let r;
  try {
    r = await api.get('/api/console/letters');
  } catch (err) {
    // The API Lambda has no OCR (its letter intake refuses letters without keyed fields): say what to do instead.
    const none = err instanceof ApiError && err.status === 404;
    page(
      '来信核对',
      none
        ? h('p', { class: 'notice', id: 'letters-unavailable', text: '此部署不提供来信自动识别（OCR）：来信的各栏须由扫描人员录入（随扫描件上传 .letter.json 或在“登记投诉”中选择“来信”）。' })
        : errorBox(err),
    );
    return;
  }
  const pending = r.items.filter((l) => l.status === 'pending');
  page(
    '来信核对',
    h('p', { class: 'lead', text: '放入收件文件夹、没有 manifest.csv 的来信扫描件由系统自动识别（OCR）。请逐封核对识别出的各栏后确认立案；未经核对确认的来信不会立案。' }),
    r.batches.length === 0 ? h('p', { class: 'empty', text: '没有待核对的来信批次。' }) : r.batches.map((b) => progressBar(b, `progress-${b.batch}`)),
    pending.length > 0 ? h('p', {}, link(`/console/letters/${encodeURIComponent(pending[0].id)}`, `开始核对（第一封：${pending[0].letter}）`, { class: 'btn primary', id: 'letters-start' })) : null,
    r.items.length > 0
      ? h(
          'table',
          { class: 'plain letters' },
          h('caption', { text: '来信' }),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['批次', '来信', '识别时间', '待填写栏目', '状态'].map((t) => h('th', { scope: 'col', text: t })),
            ),
          ),
          h(
            'tbody',
            {},
            r.items.map((l) =>
              h(
                'tr',
                { dataset: { letterId: l.id } },
                h('td', { text: l.batch }),
                h('td', {}, link(`/console/letters/${encodeURIComponent(l.id)}`, l.letter)),
                h('td', { text: fmtDateTime(l.readAt) }),
                h('td', { text: l.status === 'pending' ? (l.forClerk > 0 ? `${l.forClerk} 栏` : '无') : '—' }),
                h('td', {}, l.status === 'confirmed' ? ['已立案 ', link(`/console/cases/${encodeURIComponent(l.caseId)}`, l.caseId)] : '待核对'),
              ),
            ),
          ),
        )
      : null,
  );
}

export async function letterReviewPage(id, { page, errorBox, link, go, setFlash }) {
  page('来信核对', h('p', { class: 'loading', text: '正在加载……' }));
  let l;
  try {
    l = await api.get(`/api/console/letters/${encodeURIComponent(id)}`);
  } catch (err) {
    page('来信核对', errorBox(err), h('p', {}, link('/console/letters', '返回来信核对')));
    return;
  }
  const scans = h('div', { class: 'scans', 'aria-label': '来信扫描件' });
  const names = [...l.pages.map((n, i) => [n, `来信第 ${i + 1} 页扫描件`]), ...(l.envelope ? [[l.envelope, '信封扫描件']] : [])];

  const alert = h('div', { class: 'form-alert', role: 'alert', id: 'review-alert', tabindex: '-1', hidden: true });
  const input = (name, kind, value) => {
    const props = { id: `rv-${name}`, name, autocomplete: 'off', 'aria-describedby': `rv-${name}-hint rv-${name}-error` };
    if (kind === 'area') return h('textarea', { ...props, rows: name === 'facts' ? '7' : '3', value: value ?? '' });
    // The postmark date as text (YYYY-MM-DD): typed straight through, like the other fields.
    return h('input', {
      ...props,
      type: 'text',
      value: value ?? '',
      ...(name === 'phone' ? { inputmode: 'tel' } : {}),
      ...(kind === 'date' ? { placeholder: 'YYYY-MM-DD', inputmode: 'numeric' } : {}),
    });
  };
  const rows = FIELDS.map(([name, label, kind]) => {
    const f = l.fields[name] ?? { confidence: 0 };
    const forClerk = l.forClerk.includes(name);
    const hint = f.keyed
      ? '由扫描人员在 manifest.csv 中录入'
      : forClerk
        ? f.reason === 'not_found'
          ? '待填写：信中未找到该栏（信中确实没有的，留空即可）'
          : `待填写：${REASONS[f.reason] ?? '未能识别'}（置信度 ${pct(f.confidence)}，阈值 ${pct(l.threshold)}）${f.reading ? `；信中似为“${f.reading}”，请对照扫描件填写` : ''}`
        : // A long text read with high confidence can still carry a misread character: it is checked word by word.
          `识别置信度 ${pct(f.confidence)}${kind === 'area' ? '；长文本可能有个别错字，请对照扫描件逐句核对' : ''}`;
    return h(
      'div',
      { class: ['field', forClerk ? 'for-clerk' : ''], dataset: { field: name, ...(forClerk ? { forClerk: '1' } : {}) } },
      h('label', { for: `rv-${name}` }, label, forClerk ? h('span', { class: 'badge badge-clerk', text: '待填写' }) : null),
      input(name, kind, f.value),
      h('p', { class: 'hint', id: `rv-${name}-hint`, text: hint }),
      h('p', { class: 'field-error', id: `rv-${name}-error`, hidden: true }),
    );
  });
  const checks = h(
    'fieldset',
    {},
    h('legend', { text: '投诉人' }),
    h('label', { class: 'choice' }, h('input', { type: 'checkbox', id: 'rv-anonymous', name: 'anonymous', checked: l.unsigned && !l.fields.name?.value }), '匿名来信（未署名；无法接收答复）'),
    h('label', { class: 'choice' }, h('input', { type: 'checkbox', id: 'rv-wantsReply', name: 'wantsReply', checked: true }), '需要答复'),
    h('label', { class: 'choice' }, h('input', { type: 'checkbox', id: 'rv-confidential', name: 'confidential' }), '要求对投诉人信息保密（第十三条）'),
  );
  const confirmed = l.status === 'confirmed';
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'review-accept', text: confirmed ? '已立案' : '确认立案（Enter）', disabled: confirmed });
  const form = h(
    'form',
    { class: 'review card', novalidate: true, 'aria-labelledby': 'review-fields-title' },
    h('h2', { id: 'review-fields-title', text: '识别出的各栏' }),
    h('p', { class: 'hint', text: 'Tab 逐栏核对，Enter 确认立案；长文本栏中 Shift+Enter 换行。标“待填写”的栏目识别不可靠，系统没有填写，请对照扫描件录入。' }),
    rows,
    checks,
    alert,
    h('div', { class: 'form-actions' }, submit, ' ', l.next ? link(`/console/letters/${encodeURIComponent(l.next)}`, '跳过，核对下一封', { class: 'btn', id: 'review-skip' }) : null),
  );
  const el = (name) => form.elements.namedItem(name);

  const { clearProblems, showProblems } = formProblems(form, alert, (field) => {
    const box = el(String(field).replace(/^complainant\./, ''));
    return box instanceof HTMLElement ? box : undefined;
  });

  let busy = false;
  const accept = async () => {
    if (busy || confirmed) return;
    busy = true;
    submit.disabled = true;
    clearProblems();
    const fields = {};
    for (const [name] of FIELDS) fields[name] = el(name).value.trim();
    fields.anonymous = el('anonymous').checked;
    if (!fields.anonymous) fields.wantsReply = el('wantsReply').checked;
    fields.confidential = el('confidential').checked;
    if (l.respondentUnitCode && fields.respondentUnit === (l.fields.respondentUnit?.value ?? '')) fields.respondentUnitCode = l.respondentUnitCode;
    try {
      const r = await api.post(`/api/console/letters/${encodeURIComponent(l.id)}/confirm`, { fields });
      setFlash(`${l.letter}：${r.duplicate ? '此前已立案' : '已立案'} ${r.caseId}。`);
      go(r.next ? `/console/letters/${encodeURIComponent(r.next)}` : '/console/letters');
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.problems.length) showProblems(err.problems, err.message);
      else {
        clear(alert);
        alert.append(errorBox(err));
        alert.hidden = false;
        alert.focus();
      }
      busy = false;
      submit.disabled = false;
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void accept();
  });
  // Enter accepts from any field (a long field too); Shift+Enter keeps a new line there.
  form.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || ev.shiftKey || ev.isComposing) return;
    const t = ev.target;
    if (t instanceof HTMLTextAreaElement || (t instanceof HTMLInputElement && t.type !== 'checkbox')) {
      ev.preventDefault();
      void accept();
    }
  });

  page(
    `来信核对：${l.letter}`,
    h('p', { class: 'back' }, link('/console/letters', '← 返回来信核对')),
    l.batchProgress ? progressBar(l.batchProgress, 'review-progress') : null,
    h('p', { class: 'hint', id: 'review-position', text: `本批第 ${l.position.index} 封，共 ${l.position.of} 封已识别；识别时间 ${fmtDateTime(l.readAt)}` }),
    confirmed ? h('p', { class: 'notice' }, '本封来信已核对立案：', link(`/console/cases/${encodeURIComponent(l.caseId)}`, l.caseId)) : null,
    h('div', { class: 'review-grid' }, h('div', { class: 'col' }, scans), h('div', { class: 'col side' }, form)),
    h('details', { class: 'card', id: 'review-transcript' }, h('summary', { text: '识别文本（保存为来信的识别文本）' }), h('p', { class: 'pre complaint-text', text: l.transcript })),
  );
  if (!confirmed) (form.querySelector('[data-for-clerk] input, [data-for-clerk] textarea') ?? el('name')).focus();
  for (const [name, alt] of names) {
    try {
      scans.append(await scanImage(l.id, name, alt));
    } catch (err) {
      scans.append(errorBox(err));
    }
  }
}
