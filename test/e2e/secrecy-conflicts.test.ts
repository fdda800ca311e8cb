/**
 * Arts. 13 and 21 through the real embedded runtime over HTTP: the agency marks a passage of a complaint as a trade
 * secret and then its whole content as private; the department's reads, list, timeline, slip, action answers,
 * evidence downloads and every later mail carry none of it, the agency's keep it, the audit trail has the reasons.
 * A handler whose name is the respondent person cannot read or act on the case (403 respondent_person_conflict), nor
 * be handed it on a recusal (422); agency staff recuse like department staff (403 recused afterwards).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { api } from './runtime-helpers';
import type { Api, Json } from './runtime-helpers';

const PASSWORD = 'correct-horse-battery';
const SECRET = '配方中山梨酸钾添加量为每千克0.8克';
const PRIVATE = '本人患有抑郁症正在治疗';
const FILE = '检测报告原件.png';

describe('secrecy marks and conflicts of interest (embedded runtime, HTTP)', () => {
  let dir: string;
  let rt: Runtime;
  let clock: ManualClock;
  let http: Api;
  let caseId = '';
  let markedAt = '';
  const tokens: Record<string, string> = {};

  const get = (who: string, path: string) => http.call('GET', path, { token: tokens[who] });
  const act = async (who: string, body: Record<string, unknown>, expected = 200): Promise<Json> => {
    const r = await http.call('POST', `/api/cases/${caseId}/actions`, { token: tokens[who], body });
    if (r.status !== expected) throw new Error(`${who} ${String(body.action)}: expected ${expected}, got ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-secrecy-'));
    clock = new ManualClock('2026-03-02T09:00:00+08:00'); // a Monday
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true, folderPollMs: 100 });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', name: '周敏', password: PASSWORD });
    await rt.users.add({ username: 'agency2', role: 'agency', name: '吴刚', password: PASSWORD });
    await rt.users.add({ username: 'dept', role: 'department', department: 'SCJGJ', name: '刘洋', password: PASSWORD });
    await rt.users.add({ username: 'dept2', role: 'department', department: 'SCJGJ', name: '陈静', password: PASSWORD });
    await rt.users.add({ username: 'liming', role: 'department', department: 'SCJGJ', name: '李明', password: PASSWORD });
    await rt.users.add({ username: 'other', role: 'department', department: 'RSJ', password: PASSWORD });
    for (const u of ['agency1', 'agency2', 'dept', 'dept2', 'liming', 'other']) tokens[u] = await http.login(u, PASSWORD);

    const form = new FormData();
    const fields = {
      'respondent.unit': '船山区市场监督管理局',
      'respondent.person': '李明（窗口工作人员）',
      'complainant.name': '何军',
      'complainant.phone': '13700001234',
      'complainant.wantsReply': 'true',
      matter: '食品生产许可变更申请材料被窗口人员随意泄露给同行企业。',
      facts: `我公司提交的工艺说明写明${SECRET}，窗口人员李明把材料给同行翻看。另：${PRIVATE}，受此事影响很大。`,
    };
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('evidence', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7])], { type: 'image/png' }), FILE);
    const res = await fetch(`${rt.httpUrl}/api/complaints`, { method: 'POST', body: form, headers: { accept: 'application/json' } });
    const body = (await res.json()) as Json;
    if (res.status !== 201) throw new Error(`filing: ${res.status} ${JSON.stringify(body)}`);
    caseId = body.caseId;
    await rt.workflow.idle();
    await act('agency1', { action: 'dispatch', department: 'SCJGJ', note: `重点核实${SECRET}是否外泄。` });
  }, 60_000);

  afterAll(async () => {
    await rt?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a department cannot mark content; the agency marks a passage as a trade secret, with its reason audited', async () => {
    const refused = await http.call('POST', `/api/cases/${caseId}/actions`, {
      token: tokens.dept,
      body: { action: 'mark-secret', category: 'trade_secret', scope: 'passages', passages: [SECRET], reason: 'x' },
    });
    expect(refused.status).toBe(403);
    const typo = await http.call('POST', `/api/cases/${caseId}/actions`, {
      token: tokens.agency1,
      body: { action: 'mark-secret', category: 'trade_secret', scope: 'passages', passages: '山梨酸钾每千克9克', reason: '配方' },
    });
    expect(typo.status).toBe(400);
    expect(typo.body.errors[0]).toEqual(expect.objectContaining({ field: 'passages.0', code: 'passage_not_found' }));

    await clock.advanceTo('2026-03-02T10:00:00+08:00');
    markedAt = clock.now().toISOString();
    const r = await act('agency1', { action: 'mark-secret', category: 'trade_secret', scope: 'passages', passages: SECRET, reason: '企业产品配方，属商业秘密' });
    expect(r.body.intake.facts).toContain(SECRET); // the agency keeps the original
    expect(r.body.secrecyMarks).toEqual([expect.objectContaining({ id: 'M1', category: 'trade_secret', passages: [SECRET], reason: '企业产品配方，属商业秘密' })]);
    const trail = (await get('agency1', `/api/cases/${caseId}/audit`)).body.items as Json[];
    expect(trail.find((e) => e.what === 'action:mark-secret')?.detail).toEqual(expect.objectContaining({ markId: 'M1', category: 'trade_secret', reason: '企业产品配方，属商业秘密' }));
    expect(JSON.stringify(trail)).not.toContain(SECRET);
  });

  it('the department sees the passage withheld on every path: case, list, timeline, slip, action answer', async () => {
    for (const path of [`/api/cases/${caseId}`, '/api/cases', `/api/cases/${caseId}/timeline`, `/api/cases/${caseId}/slip`, `/api/console/search?q=${caseId}`]) {
      const r = await get('dept', path);
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
      expect({ path, leaks: r.text.includes(SECRET) }).toEqual({ path, leaks: false });
      expect(r.text).not.toContain('企业产品配方');
    }
    const view = (await get('dept', `/api/cases/${caseId}`)).body;
    expect(view.intake.facts).toContain('［涉及商业秘密，已隐去（第十三条）］');
    expect(view.intake.facts).toContain(PRIVATE); // not marked (yet)
    expect(view.secrecyMarks).toEqual([expect.objectContaining({ id: 'M1', category: 'trade_secret', reason: '' })]);
    expect((await get('dept', `/api/cases/${caseId}/slip`)).text).toContain('保密提示');
    const accepted = await act('dept', { action: 'accept', note: '受理' });
    expect(accepted.text).not.toContain(SECRET);
    // The evidence is not covered by a passage mark: still downloadable.
    const ev = view.intake.evidence[0];
    const res = await fetch(`${rt.httpUrl}/api/console/cases/${caseId}/evidence/${ev.sha256}`, { headers: { authorization: `Bearer ${tokens.dept}` } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it('marking the whole content as private withholds the matter, facts and evidence (downloads refused with a code)', async () => {
    const before = (await get('agency1', `/api/cases/${caseId}`)).body;
    await act('agency1', { action: 'mark-secret', category: 'privacy', scope: 'content', reason: '投诉人健康状况' });
    const view = (await get('dept', `/api/cases/${caseId}`)).body;
    expect(view.intake.matter).toBe('［涉及个人隐私，已隐去（第十三条）］');
    expect(view.intake.facts).toBe('［涉及个人隐私，已隐去（第十三条）］');
    expect(view.intake.evidence).toEqual([]);
    expect(JSON.stringify(view)).not.toContain(PRIVATE);
    const list = (await get('dept', '/api/cases')).body.items.find((i: Json) => i.caseId === caseId);
    expect(list.matter).toBe('［涉及个人隐私，已隐去（第十三条）］');
    expect(list.secrecy).toEqual(['trade_secret', 'privacy']);
    const res = await fetch(`${rt.httpUrl}/api/console/cases/${caseId}/evidence/${before.intake.evidence[0].sha256}`, { headers: { authorization: `Bearer ${tokens.dept}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as Json).code).toBe('secrecy_withheld');
    const agency = (await get('agency1', `/api/cases/${caseId}`)).body;
    expect(agency.intake.facts).toContain(PRIVATE);
    expect(agency.intake.evidence[0].filename).toBe(FILE);
  });

  it('no mail sent after the marking carries the marked content (reminders and overdue alerts)', async () => {
    await act('dept', { action: 'classify', kind: 'transfer' });
    await clock.advanceTo('2026-03-09T10:00:00+08:00');
    await rt.workflow.idle();
    const later = (await rt.outbox.list()).filter((e) => Date.parse(e.at) >= Date.parse(markedAt));
    expect(later.map((e) => e.kind)).toEqual(expect.arrayContaining(['reminder', 'overdue_alert']));
    for (const e of later) {
      const mail = await simpleParser(await rt.outbox.read(e.file));
      const text = [mail.subject ?? '', mail.text ?? '', typeof mail.html === 'string' ? mail.html : '', ...mail.attachments.map((x) => x.content.toString('utf8'))].join('\n');
      expect({ kind: e.kind, secret: text.includes(SECRET), private: text.includes(PRIVATE) }).toEqual({ kind: e.kind, secret: false, private: false });
    }
  });

  it('the handler named as the respondent person is kept off the case, told why, with a code; the refusal is audited', async () => {
    const read = await get('liming', `/api/cases/${caseId}`);
    expect(read.status).toBe(403);
    expect(read.body.code).toBe('respondent_person_conflict');
    expect(read.body.message).toContain('您是本投诉件的被投诉人');
    const acted = await http.call('POST', `/api/cases/${caseId}/actions`, { token: tokens.liming, body: { action: 'request-extension', newDueDate: '2026-03-20', reason: '需核实' } });
    expect(acted.status).toBe(403);
    expect(acted.body.code).toBe('respondent_person_conflict');
    expect((await get('liming', '/api/cases')).body.items.map((i: Json) => i.caseId)).not.toContain(caseId);
    expect((await get('dept2', `/api/cases/${caseId}`)).status).toBe(200);
    const trail = (await get('agency1', `/api/cases/${caseId}/audit`)).body.items as Json[];
    // Both refusals carry the same clock time, so the trail's order between them is not fixed: compare as a set.
    expect(
      trail
        .filter((e) => e.actor.id === 'liming')
        .map((e) => [e.what, e.detail?.code])
        .sort(),
    ).toEqual([
      ['action:request-extension_denied', 'respondent_person_conflict'],
      ['read_denied', 'respondent_person_conflict'],
    ]);
  });

  it('a recusal cannot hand the case to the respondent person, another unit or an unknown account; to a colleague it can', async () => {
    const toNamed = await http.call('POST', `/api/cases/${caseId}/actions`, { token: tokens.dept, body: { action: 'recuse', reason: '与投诉人系亲属', handOverTo: 'liming' } });
    expect(toNamed.status).toBe(422);
    expect(toNamed.body.code).toBe('respondent_person_conflict');
    const toOther = await http.call('POST', `/api/cases/${caseId}/actions`, { token: tokens.dept, body: { action: 'recuse', reason: '与投诉人系亲属', handOverTo: 'other' } });
    expect(toOther.status).toBe(400);
    expect(toOther.body.errors[0].code).toBe('not_same_unit');
    const toNobody = await http.call('POST', `/api/cases/${caseId}/actions`, { token: tokens.dept, body: { action: 'recuse', reason: '与投诉人系亲属', handOverTo: 'nobody' } });
    expect(toNobody.status).toBe(400);
    expect(toNobody.body.errors[0].code).toBe('unknown_user');

    const done = await act('dept', { action: 'recuse', reason: '与投诉人系亲属', handOverTo: 'dept2' });
    expect(done.body).toEqual({ caseId, phase: expect.any(String), phaseLabel: expect.any(String), allowedActions: [], accessEnded: true });
    const after = await get('dept', `/api/cases/${caseId}`);
    expect(after.status).toBe(403);
    expect(after.body.code).toBe('recused');
    expect((await get('dept2', `/api/cases/${caseId}`)).status).toBe(200);
  });

  it('agency staff recuse too: access ends for them, the agency is told, colleagues carry on', async () => {
    const r = await act('agency2', { action: 'recuse', reason: '投诉企业为本人亲属开办' });
    expect(r.body.accessEnded).toBe(true);
    const after = await get('agency2', `/api/cases/${caseId}`);
    expect(after.status).toBe(403);
    expect(after.body.code).toBe('recused');
    expect(after.body.message).toContain('回避');
    const a1 = (await get('agency1', `/api/cases/${caseId}`)).body;
    expect(a1.agencyRecused).toEqual(['agency2']);
    expect(a1.timeline.some((e: Json) => e.type === 'recused' && e.summary.includes('政务服务管理机构一名工作人员'))).toBe(true);
    expect(JSON.stringify(a1.timeline)).not.toContain('亲属开办');
    // One recusal notice to the department (the handler's), one to the agency's own mailbox.
    const agencyMail = rt.jurisdiction.agency.contacts.map((x) => x.email).filter(Boolean);
    const recusals = (await rt.outbox.list()).filter((e) => e.kind === 'recusal' && e.caseId === caseId);
    expect(recusals).toHaveLength(2);
    expect(recusals.some((e) => e.to.some((t) => agencyMail.includes(t)))).toBe(true);
  });
});
