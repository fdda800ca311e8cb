/**
 * Staff API (INTERFACES.md, issue 9): login (embedded runtime), case lists and reads, actions, timeline,
 * audit trail, the printable assignment slip, raw-mail intake, outbox and quarantine. Every route checks
 * the caller's token through ONE `StaffTokenVerifier` (Cognito on AWS, jose locally) and the domain's
 * access rules (shared/domain/access.ts): 401 without a valid token, 403 for a case the caller has no
 * business with. Every read of a case is audited (who, when, what), denied reads too; denied actions are audited
 * by the action service. What a department sees is built by shared/domain/redaction.ts.
 */
import type { StaffPrincipal, StaffTokenVerifier } from '../../../shared/ports/staff-auth';
import { mountCalendarRoutes } from './calendar-admin';
import type { CalendarRouteDeps } from './calendar-admin';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import type { Actor, CaseRecord } from '../../../shared/domain/case';
import { PHASE_LABELS, Phase } from '../../../shared/domain/case';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../../../shared/domain/errors';
import { canAct, canRead, isConfidentialCase, readDenial, timelineFor, viewFor } from '../../../shared/domain/access';
import { activeMarks } from '../../../shared/domain/secrecy';
import { dossierHtml } from './dossier';
import type { WorkingCalendar } from '../../../shared/domain/calendar';
import type { JurisdictionConfig } from '../../../shared/domain/jurisdiction';
import type { RulesRegistry } from '../../../shared/domain/rules';
import { allowedActions, currentDeadline } from '../../../shared/domain/lifecycle';
import type { ActionName, LifecycleContext } from '../../../shared/domain/lifecycle';
import { assignmentSlipPage } from '../../../shared/domain/notices';
import type { CaseStore, Clock } from '../../../shared/ports';
import { authenticate, bearerToken } from '../../../shared/auth/principal';
import type { StaffRole } from '../../../shared/auth/principal';
import { AuthChallengeError, signInBody } from '../../../shared/auth/challenge';
import { LoginThrottle, clientAddress, tooMany, waitText } from '../rate-limit';
import { DEFAULT_HTTP_LIMITS } from '../limits';
import type { HttpLimits } from '../limits';
import type { QuarantineStore } from '../../../shared/email-intake/quarantine';
import type { EmailIntakeRoute } from '../../../shared/email-intake/route';
import { outboxMailFor, outboxPageFor, quarantineAuditId, quarantineEntryFor, quarantineItemFor } from '../../../shared/services/outbox-view';
import type { OutboxItem, OutboxMail } from '../../../shared/services/outbox-view';

export interface LoginResult {
  token: string;
  expiresAt: string;
  principal: StaffPrincipal;
}

export interface ListPage<T> {
  items: T[];
  cursor?: string;
}

export interface StaffRouteDeps {
  verifier: StaffTokenVerifier;
  /**
   * Username and password → token: the embedded runtime's issuer, or Cognito on AWS (shared/auth/cognito-login.ts).
   * A further sign-in step throws AuthChallengeError (answered 409 with its session; routes/auth-cognito.ts).
   */
  login?: (username: string, password: string) => Promise<LoginResult>;
  store: CaseStore;
  jurisdiction: JurisdictionConfig;
  calendar: WorkingCalendar;
  rules: RulesRegistry;
  clock: Clock;
  /** The staff action service (shared/services/actions.ts performAction), bound to its ports. */
  performAction: (caseId: string, actor: Actor, body: unknown) => Promise<CaseRecord>;
  quarantine?: QuarantineStore;
  /** Outgoing mail index (the .eml outbox locally). */
  outbox?: {
    list(opts: { limit?: number; cursor?: string }): Promise<ListPage<OutboxItem>>;
    /** One mail by its outbox file name, with its text; undefined when there is none. */
    open?(file: string): Promise<OutboxMail | undefined>;
  };
  /** Raw MIME → the email intake (POST /api/intake/email), shared/email-intake/route.ts. */
  emailIntake?: EmailIntakeRoute;
  /** Size limit of POST /api/intake/email (default 30 MB). */
  maxMailBytes?: number;
  /** The calendar administration routes (GET/POST /api/admin/calendar), where the deployment wires them. */
  calendarAdmin?: CalendarRouteDeps;
  /**
   * Ends the caller's sessions (POST /api/auth/logout): the embedded runtime bumps the account's token version;
   * on AWS, Cognito global sign-out plus the revocation record the verifier checks (shared/auth/revocation.ts).
   */
  logout?: (principal: StaffPrincipal, token: string) => Promise<void>;
  /** Login back-off and body sizes (functions/api/limits.ts); today's defaults when absent. */
  limits?: HttpLimits;
  /** Tests only: the login throttle's clock (milliseconds). */
  limitsClock?: () => number;
}

const LoginBody = z.object({
  username: z.string({ error: '请输入用户名' }).min(1, '请输入用户名').max(64, '用户名过长'),
  password: z.string({ error: '请输入密码' }).min(1, '请输入密码').max(1024, '密码过长'),
});

const CaseListQuery = z.object({
  phase: Phase.optional(),
  department: z.string().max(64).optional(),
  overdue: z.enum(['true', 'false', '1', '0']).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(2000).optional(),
});

const QUERY_LABELS: Record<string, string> = { phase: '环节', department: '部门', overdue: '是否超期', limit: '每页条数', cursor: '翻页标记' };

export async function principalOf(c: Context, deps: Pick<StaffRouteDeps, 'verifier' | 'jurisdiction'>): Promise<StaffPrincipal> {
  const p = await authenticate(deps.verifier, c.req.header('authorization'));
  if (p.jurisdiction && p.jurisdiction !== deps.jurisdiction.code) throw new ForbiddenError('该账户不属于本辖区。');
  return p;
}

export function requireRole(p: StaffPrincipal, roles: readonly StaffRole[], message = '您的角色无权访问该内容。'): void {
  if (!roles.includes(p.role)) throw new ForbiddenError(message);
}

function ctxFor(deps: StaffRouteDeps, c: CaseRecord): LifecycleContext {
  return { now: deps.clock.now(), calendar: deps.calendar.forDeadlines(), rules: deps.rules.byId(c.rulesVersion), jurisdiction: deps.jurisdiction };
}

/**
 * The due time a case shows: the waiting step's, else the phase's own clock (also once overdue, so that the queue
 * shows a negative number of working days rather than nothing), else the next running clock.
 */
function dueOf(c: CaseRecord): string | undefined {
  return c.waiting?.dueAt ?? currentDeadline(c)?.dueAt ?? c.deadlines.find((d) => d.metAt === undefined && d.overdueAt === undefined)?.dueAt;
}

/** Whether the due time shown for a case is provisional (暂定: its year's holiday notice is not loaded yet). */
function dueIsProvisional(c: CaseRecord, dueAt: string | undefined): boolean {
  return dueAt !== undefined && c.deadlines.some((d) => d.metAt === undefined && d.dueAt === dueAt && d.provisional !== undefined);
}

function workingDaysLeft(deps: StaffRouteDeps, dueAt: string | undefined): number | undefined {
  if (!dueAt) return undefined;
  try {
    return deps.calendar.forDeadlines().workingDaysLeft(deps.clock.now(), dueAt);
  } catch {
    return undefined;
  }
}

/** One row of a queue: what a liaison needs at a glance, nothing more. */
export function caseSummary(deps: StaffRouteDeps, actor: Actor, c: CaseRecord) {
  const v = viewFor(actor, c);
  const dueAt = dueOf(c);
  const left = workingDaysLeft(deps, dueAt);
  return {
    caseId: c.caseId,
    trackingNo: c.trackingNo,
    phase: c.phase,
    phaseLabel: PHASE_LABELS[c.phase],
    channel: c.intake.channel,
    receivedAt: c.receivedAt,
    ...(c.department ? { department: c.department } : {}),
    ...(c.classification ? { classification: c.classification } : {}),
    ...(dueAt ? { dueAt } : {}),
    ...(dueIsProvisional(c, dueAt) ? { dueProvisional: true } : {}),
    ...(left !== undefined ? { workingDaysLeft: left } : {}),
    overdue: c.flags.overdue === true,
    confidential: isConfidentialCase(c),
    ...(activeMarks(c).length ? { secrecy: [...new Set(activeMarks(c).map((m) => m.category))] } : {}),
    ...(c.mergedInto ? { mergedInto: c.mergedInto } : {}),
    // The queue marker "可能重复" (art. 11, issue 22): either case of a pair the matcher flagged.
    ...((c.duplicateSuspects?.length ?? 0) > 0 || (c.flags.possibleDuplicateOf?.length ?? 0) > 0 ? { possibleDuplicate: true } : {}),
    // Hand-overs between jurisdictions' deployments (issue 15): where a case went, or where it came from.
    ...(c.outcome?.kind === 'transferred' ? { transferredTo: { ...c.outcome.to, at: c.outcome.at } } : {}),
    ...(c.handover ? { handedOverFrom: c.handover.from } : {}),
    matter: v.intake.matter.slice(0, 120),
    // The complainant as this role may see them (the redacted view for a department: art. 13), for the queue's
    // column and its search by name or phone.
    complainant: v.intake.complainant.anonymous ? '匿名' : (v.intake.complainant.name ?? v.intake.complainant.organization ?? '未留姓名'),
    ...(v.intake.complainant.phone ? { complainantPhone: v.intake.complainant.phone } : {}),
    // The routing proposal with its reason (as this role may see it: redacted for a department), for the queue's
    // bulk 交办 dialog, which starts at the recognised department with the reason beside it.
    ...(v.routing
      ? {
          routing: {
            kind: v.routing.kind,
            name: v.routing.name,
            ...(v.routing.department ? { department: v.routing.department } : {}),
            confident: v.routing.confident,
            confidence: v.routing.confidence,
            reason: v.routing.reason,
            reroutes: v.routing.reroutes?.length ?? 0,
          },
        }
      : {}),
    // For the queue's live refresh: a row whose version grew since the user last opened it is marked as changed.
    version: c.version,
    updatedAt: c.updatedAt,
    allowedActions: allowedActionsFor(actor, c),
  };
}

function allowedActionsFor(actor: Actor, c: CaseRecord): ActionName[] {
  return allowedActions(c).filter((a) => canAct(actor, c, a));
}

async function audit(deps: StaffRouteDeps, caseId: string, actor: Actor, what: string, detail?: Record<string, unknown>): Promise<void> {
  await deps.store.audit({ caseId, at: deps.clock.now().toISOString(), actor, what, ...(detail ? { detail } : {}) });
}

/** Loads a case the caller may read; a denied attempt is audited too (art. 21: who tried to read what). */
async function readableCase(c: Context, deps: StaffRouteDeps, p: StaffPrincipal, what: string): Promise<CaseRecord> {
  const caseId = c.req.param('caseId') ?? '';
  if (caseId.length === 0 || caseId.length > 128) throw new NotFoundError('未找到该投诉件。');
  const record = await deps.store.get(caseId);
  if (!record) throw new NotFoundError('未找到该投诉件。');
  const denied = readDenial(p.actor, record);
  if (denied) {
    // The precise reason (a recusal, the caller named as the respondent person: art. 21) for people and machines.
    await audit(deps, caseId, p.actor, `${what}_denied`, denied.code !== 'forbidden' ? { code: denied.code } : undefined);
    throw denied;
  }
  await audit(deps, caseId, p.actor, what);
  return record;
}

export async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ValidationError([{ field: '(root)', code: 'invalid_json', message: '请求内容不是有效的 JSON。' }]);
  }
}

function parseQuery<T>(schema: z.ZodType<T>, raw: Record<string, string>): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: `查询参数“${QUERY_LABELS[String(i.path[0])] ?? String(i.path[0])}”的取值无效。` })));
  }
  return parsed.data;
}

export function mountStaffRoutes(app: Hono, deps: StaffRouteDeps): void {
  if (deps.calendarAdmin) {
    mountCalendarRoutes(app, deps.calendarAdmin, async (c, roles, message) => {
      const p = await principalOf(c, deps);
      requireRole(p, roles, message);
      return p;
    });
  }
  const limits = deps.limits ?? DEFAULT_HTTP_LIMITS;
  const throttle = new LoginThrottle(limits.login, limits.maxTrackedKeys, deps.limitsClock);
  // ------------------------------------------------------------------------------------------ login
  app.post('/api/auth/login', bodyLimit({ maxSize: limits.sizes.loginBytes }), async (c) => {
    if (!deps.login) throw new NotFoundError('此部署通过统一身份认证登录。');
    const parsed = LoginBody.safeParse(await jsonBody(c));
    if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
    const { username, password } = parsed.data;
    const address = clientAddress(c);
    // Asked before the password is checked, and whether or not the name exists: one answer for every name.
    const wait = throttle.retryAfterSeconds(address, username);
    if (wait > 0) return tooMany(c, wait, `登录失败次数过多，请 ${waitText(wait)}后再试。`);
    let r: LoginResult;
    try {
      r = await deps.login(username, password);
    } catch (err) {
      if (err instanceof AuthChallengeError) {
        throttle.succeed(address, username); // the password was right
        return c.json(err.body(), 409);
      }
      if (err instanceof UnauthorizedError) throttle.fail(address, username);
      throw err;
    }
    throttle.succeed(address, username);
    return c.json(signInBody(r));
  });

  app.post('/api/auth/logout', async (c) => {
    const p = await principalOf(c, deps);
    if (!deps.logout) throw new NotFoundError('此部署不支持退出登录。');
    await deps.logout(p, bearerToken(c.req.header('authorization')));
    return c.body(null, 204);
  });

  app.get('/api/me', async (c) => {
    const p = await principalOf(c, deps);
    return c.json({ username: p.username, role: p.role, ...(p.department ? { department: p.department } : {}), jurisdiction: deps.jurisdiction.code });
  });

  // ------------------------------------------------------------------------------------------ cases
  app.get('/api/cases', async (c) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['agency', 'department', 'leader'], '系统管理员默认不查看投诉内容。');
    const q = parseQuery(CaseListQuery, c.req.query());
    let department = q.department;
    if (p.role === 'department') {
      if (department !== undefined && department !== p.department) throw new ForbiddenError('您只能查看本部门的投诉件。');
      department = p.department;
    }
    const page = await deps.store.query({
      jurisdiction: deps.jurisdiction.code,
      ...(q.phase ? { phase: q.phase } : {}),
      ...(department ? { department } : {}),
      ...(q.overdue !== undefined ? { overdue: q.overdue === 'true' || q.overdue === '1' } : {}),
      limit: q.limit ?? 50,
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    const items = page.items.filter((r) => canRead(p.actor, r)).map((r) => caseSummary(deps, p.actor, r));
    return c.json({ items, ...(page.cursor ? { cursor: page.cursor } : {}) });
  });

  app.get('/api/cases/:caseId', async (c) => {
    const p = await principalOf(c, deps);
    const record = await readableCase(c, deps, p, 'read');
    const events = await deps.store.timeline(record.caseId);
    const view = viewFor(p.actor, record);
    const dueAt = dueOf(record);
    const left = workingDaysLeft(deps, dueAt);
    return c.json({
      ...view,
      phaseLabel: PHASE_LABELS[record.phase],
      ...(left !== undefined ? { workingDaysLeft: left } : {}),
      ...(dueIsProvisional(record, dueAt) ? { dueProvisional: true } : {}),
      allowedActions: allowedActionsFor(p.actor, record),
      timeline: timelineFor(p.actor, record, events),
    });
  });

  app.post('/api/cases/:caseId/actions', bodyLimit({ maxSize: limits.sizes.actionBytes }), async (c) => {
    const p = await principalOf(c, deps);
    // Roles and departments are checked (and a refusal audited) by the action service.
    const caseId = c.req.param('caseId');
    const body = await jsonBody(c);
    await deps.performAction(caseId, p.actor, body);
    // The stored record, not the caller's view of it: the view rules (redaction, secrecy marks) need the original.
    const updated = await deps.store.get(caseId);
    if (!updated) throw new NotFoundError('未找到该投诉件。');
    // After a recusal the caller may no longer read the case: the answer says so and carries none of it (art. 21).
    if (!canRead(p.actor, updated)) return c.json({ caseId: updated.caseId, phase: updated.phase, phaseLabel: PHASE_LABELS[updated.phase], allowedActions: [], accessEnded: true });
    const events = await deps.store.timeline(caseId);
    return c.json({
      ...viewFor(p.actor, updated),
      phaseLabel: PHASE_LABELS[updated.phase],
      allowedActions: canRead(p.actor, updated) ? allowedActionsFor(p.actor, updated) : [],
      timeline: timelineFor(p.actor, updated, events),
    });
  });

  app.get('/api/cases/:caseId/timeline', async (c) => {
    const p = await principalOf(c, deps);
    const record = await readableCase(c, deps, p, 'read_timeline');
    return c.json({ caseId: record.caseId, items: timelineFor(p.actor, record, await deps.store.timeline(record.caseId)) });
  });

  app.get('/api/cases/:caseId/audit', async (c) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['agency'], '只有政务服务管理机构可以查看访问记录。');
    const record = await readableCase(c, deps, p, 'read_audit');
    return c.json({ caseId: record.caseId, items: await deps.store.auditTrail(record.caseId) });
  });

  app.get('/api/cases/:caseId/slip', async (c) => {
    const p = await principalOf(c, deps);
    const record = await readableCase(c, deps, p, 'read_slip');
    const wanted = c.req.query('department') ?? p.department;
    const withSlip = record.assignments.filter((a) => (wanted ? a.department === wanted : true));
    const assignment = withSlip.find((a) => a.slipNo) ?? withSlip[0];
    if (!assignment) throw new NotFoundError('该投诉件尚未交办，没有交办单。');
    // The slip is built from the respondent's view whoever prints it (shared/domain/notices/slip.ts).
    const html = assignmentSlipPage(record, ctxFor(deps, record), assignment);
    return c.html(html);
  });

  // Art. 18: the archived case as one printable volume (routes/dossier.ts); audited like a case read.
  app.get('/api/cases/:caseId/dossier', async (c) => {
    const p = await principalOf(c, deps);
    const record = await readableCase(c, deps, p, 'read_dossier');
    return c.html(await dossierHtml(deps, record, p.actor));
  });

  // ------------------------------------------------------------------------------------------ mail
  app.post('/api/intake/email', bodyLimit({ maxSize: limits.sizes.mailBytes }), async (c) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['agency', 'department', 'admin'], '只有工作人员可以登记投诉。');
    if (!deps.emailIntake) throw new NotFoundError('此部署未启用邮件登记。');
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    if (!type.startsWith('message/rfc822') && !type.startsWith('application/octet-stream')) {
      throw new ValidationError([{ field: 'content-type', code: 'unsupported_media_type', message: '请以 message/rfc822 格式提交原始邮件。' }]);
    }
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (raw.byteLength === 0) throw new ValidationError([{ field: '(body)', code: 'empty', message: '邮件内容为空。' }]);
    const r = await deps.emailIntake({ body: raw, source: 'cli' });
    return c.json(r.body, r.status as 201);
  });

  app.get('/api/outbox', async (c) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['agency', 'admin'], '只有政务服务管理机构和系统管理员可以查看发件箱。');
    if (!deps.outbox) throw new NotFoundError('此部署没有本地发件箱。');
    const q = parseQuery(z.object({ limit: z.coerce.number().int().min(1).max(200).optional(), cursor: z.string().max(2000).optional() }), c.req.query());
    const page = await deps.outbox.list({ ...(q.limit ? { limit: q.limit } : {}), ...(q.cursor ? { cursor: q.cursor } : {}) });
    // Masked for the administrator, whole (and audited per case) for the agency: shared/services/outbox-view.ts.
    return c.json(await outboxPageFor(deps, p.actor, page));
  });

  // Art. 21 least exposure: one mail opened from the outbox, whole for the agency, masked for the administrator,
  // audited on its case either way (shared/services/outbox-view.ts).
  app.get('/api/outbox/:file', async (c) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['agency', 'admin'], '只有政务服务管理机构和系统管理员可以查看发件箱。');
    const file = c.req.param('file');
    if (!deps.outbox?.open || !/^[\w-]{1,128}\.eml$/.test(file)) throw new NotFoundError('未找到该邮件。');
    const mail = await deps.outbox.open(file);
    if (!mail) throw new NotFoundError('未找到该邮件。');
    return c.json(await outboxMailFor(deps, p.actor, mail));
  });

  // Quarantined mail: whole for the agency; the administrator (who looks after mail delivery) sees it masked.
  app.get('/api/quarantine', async (c) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['agency', 'admin'], '只有政务服务管理机构和系统管理员可以查看隔离邮件。');
    if (!deps.quarantine) throw new NotFoundError('此部署未启用邮件隔离区。');
    const q = parseQuery(z.object({ limit: z.coerce.number().int().min(1).max(200).optional(), cursor: z.string().max(2000).optional() }), c.req.query());
    const page = await deps.quarantine.list(deps.jurisdiction.code, { ...(q.limit ? { limit: q.limit } : {}), ...(q.cursor ? { cursor: q.cursor } : {}) });
    return c.json({ ...page, items: page.items.map((i) => quarantineItemFor(p.actor, i)) });
  });

  app.get('/api/quarantine/:id', async (c) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['agency', 'admin'], '只有政务服务管理机构和系统管理员可以查看隔离邮件。');
    if (!deps.quarantine) throw new NotFoundError('此部署未启用邮件隔离区。');
    const entry = await deps.quarantine.get(c.req.param('id'));
    if (!entry || entry.jurisdiction !== deps.jurisdiction.code) throw new NotFoundError('未找到该隔离邮件。');
    return c.json(await quarantineEntryFor(deps, p.actor, entry));
  });

  // Who opened a quarantined mail (it has no case, so its trail is kept under `quarantine/<id>`).
  app.get('/api/quarantine/:id/audit', async (c) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['agency'], '只有政务服务管理机构可以查看访问记录。');
    return c.json({ id: c.req.param('id'), items: await deps.store.auditTrail(quarantineAuditId(c.req.param('id'))) });
  });
}

/** The channels' StaffAuthenticator shape (functions/staff-intake/routes.ts) on top of the shared verifier. */
export function staffAuthenticator(verifier: StaffTokenVerifier): (authorization: string | undefined) => Promise<Actor> {
  return async (authorization) => {
    if (!authorization) throw new UnauthorizedError();
    return (await authenticate(verifier, authorization)).actor;
  };
}
