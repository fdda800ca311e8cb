/**
 * Administration in the console (issue 21, item 3), the same routes behind API Gateway and in the embedded runtime:
 *
 * - GET  /api/admin/users                      accounts, and the last changes made to them (audit);
 * - POST /api/admin/users                      create { username, role, department?, name?, password };
 * - POST /api/admin/users/:username            change { role, department? } or { disabled };
 * - POST /api/admin/users/:username/password   reset { password };
 * - GET  /api/admin/dead-letters?status=       deliveries that could not become a case (never their content);
 * - POST /api/admin/dead-letters/:id/replay    submit one again (idempotent: shared/services/dead-letters.ts);
 * - GET  /api/admin/workflows                  cases whose workflow failed or stopped (the reconciler, report only);
 * - POST /api/admin/workflows/:caseId/retry    start or resume that case's workflow (the reconciler, this case only).
 *
 * Accounts: the administrator only. Dead letters and workflows: the administrator and the agency. Every change is
 * audited (who, when, what): account changes under the audit key `ADMIN-USERS`, replays under `ADMIN-RECOVERY`, a
 * workflow retry on the case itself. A deployment without a part answers 501 with the reason, never a silent 404.
 */
import type { StaffTokenVerifier } from '../../../shared/ports/staff-auth';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import type { Actor } from '../../../shared/domain/case';
import { Code } from '../../../shared/domain/intake';
import { NotFoundError, TousuError, ValidationError } from '../../../shared/domain/errors';
import { ROLE_LABELS } from '../../../shared/domain/access';
import { StaffRole } from '../../../shared/auth/principal';
import type { CaseStore, Clock } from '../../../shared/ports';
import type { StaffAdmin } from '../../../shared/ports/staff-admin';
import type { AdminRecovery, ReconcileFinding } from '../../../shared/ports/recovery';
import type { JurisdictionConfig } from '../../../shared/domain/jurisdiction';
import { jsonBody, principalOf, requireRole } from './staff';

export const USERS_AUDIT_KEY = 'ADMIN-USERS';
export const RECOVERY_AUDIT_KEY = 'ADMIN-RECOVERY';

export interface AdminRouteDeps {
  verifier: StaffTokenVerifier;
  jurisdiction: JurisdictionConfig;
  store: Pick<CaseStore, 'audit' | 'auditTrail' | 'get'>;
  clock: Clock;
  /** Account administration (local accounts, or the Cognito user pool). */
  staffAdmin?: StaffAdmin;
  /** Dead letters and the reconciler. */
  recovery?: AdminRecovery;
}

class NotAvailableError extends TousuError {
  override readonly name = 'NotAvailableError';
  readonly code = 'not_available';
  readonly status = 501;
}

const Username = z.string().trim().toLowerCase().min(1, '请填写用户名').max(64, '用户名过长');
const Password = z.string({ error: '请填写密码' }).min(1, '请填写密码').max(1024, '密码过长');
const CreateBody = z.object({
  username: Username,
  role: StaffRole,
  department: Code.optional(),
  name: z.string().trim().max(64).optional(),
  password: Password,
});
const ChangeBody = z.union([z.object({ role: StaffRole, department: Code.optional() }).strict(), z.object({ disabled: z.boolean() }).strict()]);
const PasswordBody = z.object({ password: Password }).strict();

const FIELD_LABELS: Record<string, string> = { username: '用户名', role: '角色', department: '部门', name: '姓名', password: '密码', disabled: '停用' };

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  throw new ValidationError(
    r.error.issues.map((i) => {
      const field = i.path.join('.') || '(root)';
      const label = FIELD_LABELS[String(i.path[0])];
      // zod's own English words never reach a person: the field's name and what is wrong with it.
      const message = /[\u4e00-\u9fff]/.test(i.message) ? i.message : label ? `“${label}”的取值无效。` : '提交的内容不符合要求。';
      return { field, message };
    }),
  );
}

/** A finding as the console lists it: the case, what is wrong, what the reconciler would do (never a source key). */
function findingView(f: ReconcileFinding) {
  if (f.kind === 'orphan_claim') return { kind: f.kind, action: f.action, ...(f.caseId ? { caseId: f.caseId } : {}), ...(f.deadLetterId ? { deadLetterId: f.deadLetterId } : {}) };
  return { kind: f.kind, action: f.action, caseId: f.caseId, ...('phase' in f ? { phase: f.phase } : {}), ...('into' in f ? { into: f.into } : {}) };
}

export function mountAdminRoutes(app: Hono, deps: AdminRouteDeps): void {
  const audit = (key: string, actor: Actor, what: string, detail: Record<string, unknown>) => deps.store.audit({ caseId: key, at: deps.clock.now().toISOString(), actor, what, detail });
  const admin = async (c: Context) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['admin'], '只有系统管理员可以管理账户。');
    if (!deps.staffAdmin) throw new NotAvailableError('此部署未在工作台提供账户管理，请使用 tousu users 或身份认证服务的控制台。');
    return { p, staff: deps.staffAdmin };
  };
  const recoverer = async (c: Context) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['admin', 'agency'], '只有系统管理员和政务服务管理机构可以处理死信和流程故障。');
    if (!deps.recovery) throw new NotAvailableError('此部署未在工作台提供死信和流程故障处理，请使用 tousu dead-letters 和 tousu reconcile。');
    return { p, recovery: deps.recovery };
  };
  const departmentCheck = (role: string, department: string | undefined) => {
    if (department && !deps.jurisdiction.departments.some((d) => d.code === department)) throw new ValidationError([{ field: 'department', message: `部门 ${department} 不在本辖区的部门名录中。` }]);
    if (role === 'department' && !department) throw new ValidationError([{ field: 'department', message: '部门联络人必须指定所属部门。' }]);
    if (role !== 'department' && department) throw new ValidationError([{ field: 'department', message: '只有部门联络人可以指定部门。' }]);
  };

  // ------------------------------------------------------------------------------------------ accounts
  app.get('/api/admin/users', async (c) => {
    const { staff } = await admin(c);
    const items = await staff.list();
    const changes = (await deps.store.auditTrail(USERS_AUDIT_KEY)).slice(-50).reverse();
    return c.json({ items: items.map((u) => ({ ...u, roleLabel: ROLE_LABELS[u.role] })), changes });
  });

  app.post('/api/admin/users', bodyLimit({ maxSize: 16 * 1024 }), async (c) => {
    const { p, staff } = await admin(c);
    const b = parse(CreateBody, await jsonBody(c));
    departmentCheck(b.role, b.department);
    const u = await staff.create({ username: b.username, role: b.role, password: b.password, ...(b.department ? { department: b.department } : {}), ...(b.name ? { name: b.name } : {}) });
    await audit(USERS_AUDIT_KEY, p.actor, 'user_created', { username: u.username, role: u.role, ...(u.department ? { department: u.department } : {}) });
    return c.json({ ...u, roleLabel: ROLE_LABELS[u.role] }, 201);
  });

  app.post('/api/admin/users/:username', bodyLimit({ maxSize: 16 * 1024 }), async (c) => {
    const { p, staff } = await admin(c);
    const username = parse(Username, c.req.param('username'));
    const b = parse(ChangeBody, await jsonBody(c));
    let u;
    if ('disabled' in b) {
      if (b.disabled && username === p.username) throw new ValidationError([{ field: 'disabled', message: '不能停用自己正在使用的账户。' }]);
      u = await staff.setDisabled(username, b.disabled);
      await audit(USERS_AUDIT_KEY, p.actor, b.disabled ? 'user_disabled' : 'user_enabled', { username });
    } else {
      departmentCheck(b.role, b.department);
      u = await staff.setRole(username, b.role, b.department);
      await audit(USERS_AUDIT_KEY, p.actor, 'user_role_changed', { username, role: b.role, ...(b.department ? { department: b.department } : {}) });
    }
    return c.json({ ...u, roleLabel: ROLE_LABELS[u.role] });
  });

  app.post('/api/admin/users/:username/password', bodyLimit({ maxSize: 16 * 1024 }), async (c) => {
    const { p, staff } = await admin(c);
    const username = parse(Username, c.req.param('username'));
    const b = parse(PasswordBody, await jsonBody(c));
    const u = await staff.resetPassword(username, b.password);
    // Never the password, of course: who reset whose, and when.
    await audit(USERS_AUDIT_KEY, p.actor, 'user_password_reset', { username });
    return c.json({ ...u, roleLabel: ROLE_LABELS[u.role] });
  });

  // ------------------------------------------------------------------------------------------ dead letters
  app.get('/api/admin/dead-letters', async (c) => {
    const { recovery } = await recoverer(c);
    const status = c.req.query('status') ?? 'open';
    if (status !== 'open' && status !== 'resolved') throw new ValidationError([{ field: 'status', message: '状态只能是 open（待处理）或 resolved（已处理）。' }]);
    const items = [];
    let cursor: string | undefined;
    do {
      const page = await recovery.deadLetters.list({ jurisdiction: deps.jurisdiction.code, status, limit: 100, ...(cursor ? { cursor } : {}) });
      // Neither the intake nor its source key (a Message-ID can name the sender): ids, kinds, times and errors.
      for (const { payload: _payload, sourceKey: _sourceKey, actor: _actor, ...view } of page.items) items.push(view);
      cursor = page.cursor;
    } while (cursor && items.length < 1000);
    return c.json({ items, ...(cursor ? { truncated: true } : {}) });
  });

  app.post('/api/admin/dead-letters/:id/replay', async (c) => {
    const { p, recovery } = await recoverer(c);
    const id = c.req.param('id');
    if (!/^[a-f0-9]{32}$/.test(id)) throw new NotFoundError('死信编号应为 32 位十六进制字符。');
    const r = await recovery.replay(id);
    await audit(RECOVERY_AUDIT_KEY, p.actor, 'dead_letter_replayed', { deadLetterId: id, ok: r.ok, ...(r.ok && r.caseId ? { caseId: r.caseId } : {}) });
    return c.json(r);
  });

  // ------------------------------------------------------------------------------------------ workflows
  app.get('/api/admin/workflows', async (c) => {
    const { recovery } = await recoverer(c);
    const report = await recovery.reconcile({ dryRun: true });
    return c.json({
      at: report.at,
      thresholdMs: report.thresholdMs,
      casesChecked: report.casesChecked,
      items: report.findings.filter((f) => f.kind !== 'orphan_claim').map(findingView),
      problems: report.problems.length,
    });
  });

  app.post('/api/admin/workflows/:caseId/retry', async (c) => {
    const { p, recovery } = await recoverer(c);
    const caseId = c.req.param('caseId');
    if (caseId.length === 0 || caseId.length > 128 || !(await deps.store.get(caseId))) throw new NotFoundError('未找到该投诉件。');
    const report = await recovery.reconcile({ onlyCaseId: caseId });
    const findings = report.findings.map(findingView);
    await deps.store.audit({ caseId, at: deps.clock.now().toISOString(), actor: p.actor, what: 'workflow_retry', detail: { findings: findings.map((f) => `${f.kind}:${f.action}`) } });
    return c.json({ caseId, findings, problems: report.problems.map((x) => x.error) });
  });
}
