/**
 * Confidentiality on every path a department can reach (arts. 13, 21), through the real embedded runtime over HTTP:
 * a confidential complaint (with evidence named after the complainant) is merged into another case, which is then
 * dispatched to a department; a second confidential complaint writes its phone, ID number and email into the text
 * in other spellings. The department's list, case read, timeline, action response, 交办单 page, search, duplicates
 * queue, evidence downloads (Content-Disposition) and every mail sent to it (the 交办单 with its attachment,
 * reminders, overdue alerts) must carry none of the identities or original file names. The administrator sees the
 * outbox masked, the agency whole and audited; a refused action is audited like a refused read.
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
const PNG = (seed: number) => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, seed, 1, 2, 3]);

/** The target's own complainant (not confidential) and its evidence, named after the person and an ID number. */
const A = { name: '李四', phone: '13600001111', file: '李四-身份证510903199001011237.png' };
/** The confidential complainant merged into the target. */
const B = { name: '赵六', phone: '13911112222', email: 'zhaoliu@example.net', id: '51090319851203002X', file: '赵六身份证正反面.png' };
/** A confidential complainant who writes the identity into the text in other spellings. */
const C = { name: '孙七', phone: '13822223333', spelled: '138 2222 3333', id: '510903197707070012', email: 'sunqi7@example.org' };

const SECRETS = [A.name, A.phone, A.file, '510903199001011237', B.name, B.phone, '139-1111-2222', B.email, B.id, B.file, C.name, C.phone, C.spelled, C.id, C.email];

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

describe('confidential complainants on every department path (embedded runtime)', () => {
  let dir: string;
  let rt: Runtime;
  let clock: ManualClock;
  let http: Api;
  const tokens: Record<string, string> = {};
  const ids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

  const asDept = (path: string) => http.call('GET', path, { token: tokens.dept });
  const act = async (who: string, caseId: string, body: Record<string, unknown>, expected = 200): Promise<Json> => {
    const r = await http.call('POST', `/api/cases/${caseId}/actions`, { token: tokens[who], body });
    if (r.status !== expected) throw new Error(`${who} ${String(body.action)}: expected ${expected}, got ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r;
  };

  async function fileForm(fields: Record<string, string>, file?: { name: string; bytes: Uint8Array }): Promise<string> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append('evidence', new Blob([file.bytes], { type: 'application/octet-stream' }), file.name);
    const res = await fetch(`${rt.httpUrl}/api/complaints`, { method: 'POST', body: form, headers: { accept: 'application/json' } });
    const body = (await res.json()) as Json;
    if (res.status !== 201) throw new Error(`filing: ${res.status} ${JSON.stringify(body)}`);
    return body.caseId as string;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-confidential-'));
    clock = new ManualClock('2026-03-02T09:00:00+08:00'); // a Monday
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true, folderPollMs: 100 });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    await rt.users.add({ username: 'dept', role: 'department', department: 'SCJGJ', password: PASSWORD });
    await rt.users.add({ username: 'other', role: 'department', department: 'RSJ', password: PASSWORD });
    await rt.users.add({ username: 'admin1', role: 'admin', password: PASSWORD });
    for (const u of ['agency1', 'dept', 'other', 'admin1']) tokens[u] = await http.login(u, PASSWORD);

    const base = { 'respondent.unit': '船山区市场监督管理局', 'complainant.wantsReply': 'true' };
    ids.a = await fileForm(
      { ...base, 'complainant.name': A.name, 'complainant.phone': A.phone, matter: '食品经营许可证延续申请超过法定时限仍未办结，窗口只说在审核。' },
      { name: A.file, bytes: PNG(1) },
    );
    ids.b = await fileForm(
      {
        ...base,
        'complainant.name': B.name,
        'complainant.phone': B.phone,
        'complainant.email': B.email,
        'complainant.confidential': 'true',
        matter: `我是${B.name}，电话139-1111-2222，身份证${B.id}。食品经营许可证延续申请一直没有结果。`,
      },
      { name: B.file, bytes: PNG(2) },
    );
    ids.c = await fileForm({
      ...base,
      'complainant.name': C.name,
      'complainant.phone': C.phone,
      'complainant.confidential': 'true',
      matter: `本人${C.name}，手机${C.spelled}，身份证号${C.id}，邮箱${C.email}。办理营业执照变更时窗口三次要求补交同一份材料。`,
    });
    await rt.workflow.idle();

    // The agency merges the confidential complaint into the other one (art. 11), then dispatches both cases.
    await act('agency1', ids.b, { action: 'merge', into: ids.a });
    await act('agency1', ids.a, { action: 'dispatch', department: 'SCJGJ' });
    await act('agency1', ids.c, { action: 'dispatch', department: 'SCJGJ' });
  }, 60_000);

  afterAll(async () => {
    await rt?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('the agency keeps the originals', async () => {
    const a = (await http.call('GET', `/api/cases/${ids.a}`, { token: tokens.agency1 })).body;
    expect(a.merges[0].complainants[0].name).toBe(B.name);
    expect(a.intake.evidence[0].filename).toBe(A.file);
    expect(a.merges[0].evidence[0].filename).toBe(B.file);
  });

  it('case reads, list, timeline, search, duplicates and the action response show the department no identity', async () => {
    const paths = [
      '/api/cases',
      `/api/cases/${ids.a}`,
      `/api/cases/${ids.c}`,
      `/api/cases/${ids.a}/timeline`,
      `/api/cases/${ids.c}/timeline`,
      `/api/console/search?q=${ids.a}`,
      `/api/console/search?q=${ids.c}`,
      '/api/console/duplicates',
    ];
    for (const path of paths) {
      const r = await asDept(path);
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
      expect({ path, leaks: leaks(r.text) }).toEqual({ path, leaks: [] });
    }
    const view = (await asDept(`/api/cases/${ids.a}`)).body;
    expect(view.intake.evidence.map((e: Json) => e.filename)).toEqual(['材料1.png']);
    expect(view.merges[0].evidence.map((e: Json) => e.filename)).toEqual(['材料2.png']);
    expect((await asDept(`/api/cases/${ids.c}`)).body.intake.matter).toContain('***');
    expect((await asDept(`/api/cases`)).body.items.map((i: Json) => i.caseId)).toEqual(expect.arrayContaining([ids.a, ids.c]));

    // A confidential complainant is not found by phone, whichever case carries them.
    for (const phone of [B.phone, C.phone]) expect((await asDept(`/api/console/search?q=${phone}`)).body.items).toEqual([]);
    expect((await http.call('GET', `/api/console/search?q=${B.phone}`, { token: tokens.agency1 })).body.items.map((i: Json) => i.caseId)).toContain(ids.a);

    const accepted = await act('dept', ids.a, { action: 'accept', note: '予以受理' });
    expect(leaks(accepted.text)).toEqual([]);
  });

  it('the 交办单 print page lists the evidence under neutral names', async () => {
    for (const id of [ids.a, ids.c]) {
      const slip = await asDept(`/api/cases/${id}/slip`);
      expect(slip.status).toBe(200);
      expect(slip.text).toContain('政务服务投诉交办单');
      expect(leaks(slip.text)).toEqual([]);
    }
    expect((await asDept(`/api/cases/${ids.a}/slip`)).text).toContain('材料1.png、材料2.png');
  });

  it('evidence downloads are named 材料N for the department, by their original name for the agency', async () => {
    const view = (await asDept(`/api/cases/${ids.a}`)).body;
    const all = [...view.intake.evidence, ...view.merges[0].evidence];
    for (const [n, e] of all.entries()) {
      const res = await fetch(`${rt.httpUrl}/api/console/cases/${ids.a}/evidence/${e.sha256}`, { headers: { authorization: `Bearer ${tokens.dept}` } });
      expect(res.status).toBe(200);
      const disposition = res.headers.get('content-disposition') ?? '';
      expect(decodeURIComponent(disposition)).toContain(`材料${n + 1}.png`);
      expect(leaks(decodeURIComponent(disposition))).toEqual([]);
      await res.arrayBuffer();
    }
    const res = await fetch(`${rt.httpUrl}/api/console/cases/${ids.a}/evidence/${all[1].sha256}`, { headers: { authorization: `Bearer ${tokens.agency1}` } });
    expect(decodeURIComponent(res.headers.get('content-disposition') ?? '')).toContain(B.file);
    await res.arrayBuffer();
  });

  it('no mail to the department (交办单 and attachment, reminder, overdue alert) carries an identity or an original file name', async () => {
    // Case C waits for acceptance: its reminder and then its overdue alert go to the department.
    await clock.advanceTo('2026-03-06T10:00:00+08:00');
    await rt.workflow.idle();
    const deptAddress = rt.jurisdiction.departments.find((d) => d.code === 'SCJGJ')!.chiefRepresentative.email;
    const entries = (await rt.outbox.list()).filter((e) => e.to.includes(deptAddress));
    const kinds = new Set(entries.map((e) => e.kind));
    for (const k of ['assignment_slip', 'reminder', 'overdue_alert']) expect(kinds).toContain(k);
    for (const e of entries) {
      const mail = await simpleParser(await rt.outbox.read(e.file));
      const parts = [mail.subject ?? '', mail.text ?? '', typeof mail.html === 'string' ? mail.html : '', ...mail.attachments.map((x) => `${x.filename ?? ''}\n${x.content.toString('utf8')}`)];
      expect({ kind: e.kind, leaks: leaks(parts.join('\n')) }).toEqual({ kind: e.kind, leaks: [] });
      if (e.kind === 'assignment_slip') expect(mail.attachments.length).toBe(1);
    }
  });

  it('a refused action is audited like a refused read', async () => {
    expect((await http.call('POST', `/api/cases/${ids.a}/actions`, { token: tokens.other, body: { action: 'conclude', finding: 'partial', summary: 'x' } })).status).toBe(403);
    expect((await http.call('GET', `/api/cases/${ids.a}`, { token: tokens.other })).status).toBe(403);
    const trail = (await http.call('GET', `/api/cases/${ids.a}/audit`, { token: tokens.agency1 })).body.items as Json[];
    const denied = trail
      .filter((e) => e.actor.id === 'other')
      .map((e) => e.what)
      .sort();
    expect(denied).toEqual(['action:conclude_denied', 'read_denied']);
  });

  it('the outbox is masked for the administrator and whole, audited, for the agency', async () => {
    const admin = await http.call('GET', '/api/outbox?limit=200', { token: tokens.admin1 });
    expect(admin.status).toBe(200);
    expect(admin.body.items.length).toBeGreaterThan(3);
    expect(admin.text).not.toContain(B.email);
    expect(admin.text).not.toContain('受理编号');
    const agency = await http.call('GET', '/api/outbox?limit=200', { token: tokens.agency1 });
    expect(agency.text).toContain(B.email); // the acknowledgement to the complainant
    const trail = (await http.call('GET', `/api/cases/${ids.b}/audit`, { token: tokens.agency1 })).body.items as Json[];
    expect(trail.some((e) => e.what === 'read_outbox' && e.actor.id === 'agency1')).toBe(true);
  });
});
