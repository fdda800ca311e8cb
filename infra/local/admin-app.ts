/**
 * The embedded runtime's admin endpoint for the CLI while the runtime runs (`tousu users`, `reconcile`,
 * `dead-letters`, `workorders`, `report`, `calendar import`, `backup`): a Hono app like the rest of the HTTP surface
 * (functions/api/app.ts), served on a Unix socket (0600) in the private data directory, never on a TCP port that
 * every local user could reach (infra/local/runtime.ts). Every request must also carry the key of
 * `secrets/admin.key` in `x-tousu-admin-key`, or it is refused with 401 before any route is looked at.
 *
 * Answers: JSON; a TousuError gives its status, code and message (and the field problems); a body that is not
 * JSON gives 400; anything else 500 with no detail (the error's name is logged, never the request).
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { loadJurisdiction } from '../../shared/config/load';
import { errorName, isTousuError } from '../../shared/domain/errors';
import { isQuarter } from '../../shared/domain/evaluation';
import type { JurisdictionRef } from '../../shared/domain/evaluation';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';
import type { OutboxStatus } from '../../shared/ports/workorder-outbox';
import { importCalendarYear } from '../../shared/services/calendar-admin';
import type { CalendarAdminDeps } from '../../shared/services/calendar-admin';
import { buildQuarterReport } from '../../shared/services/evaluation';
import { outboxItemView } from '../../shared/services/workorder-outbound';
import type { RuntimeLogger } from './log';
import type { Recovery } from './recovery';
import type { UserStore } from './users';
import { updateUser } from './users';
import type { WorkOrderPump } from './workorder-pump';

/** Largest request body the admin endpoint reads (bytes). */
export const ADMIN_BODY_LIMIT = 64 * 1024;

export interface AdminAppDeps {
  /** The key of `secrets/admin.key` (hex). */
  adminKey: string;
  jurisdiction: JurisdictionConfig;
  users: UserStore;
  /** What `tousu status` prints (the runtime's RuntimeStatus). */
  status(): unknown;
  /** Online backup of the database to an absolute path. */
  backupTo(destination: string): Promise<{ path: string; bytes: number }>;
  calendarAdmin: CalendarAdminDeps;
  evaluation: Parameters<typeof buildQuarterReport>[0];
  /** The 12345 reports' pump, when `workOrderOutbound` is configured. */
  workOrders?: WorkOrderPump;
  recovery: Recovery;
  logger: Pick<RuntimeLogger, 'error' | 'say'>;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The request body as text, refused past ADMIN_BODY_LIMIT (a 500, as a body nobody sends). */
async function bodyText(c: Context): Promise<string> {
  const text = await c.req.text();
  if (Buffer.byteLength(text) > ADMIN_BODY_LIMIT) throw new Error('body too large');
  return text;
}

/** An empty body is `{}`; anything else must be JSON (a SyntaxError answers 400). */
async function optionalJson<T>(c: Context): Promise<T> {
  const text = await bodyText(c);
  return (text.trim() ? JSON.parse(text) : {}) as T;
}

const json = (c: Context, status: number, body: unknown) => c.json(body as object, status as ContentfulStatusCode);

export function createAdminApp(deps: AdminAppDeps): Hono {
  const { jurisdiction, users, recovery, logger } = deps;
  const departments = () => jurisdiction.departments.map((d) => d.code);
  const app = new Hono();

  app.use('*', async (c, next) => {
    const key = c.req.header('x-tousu-admin-key');
    if (typeof key !== 'string' || !safeEqual(key, deps.adminKey)) return c.json({ message: '管理密钥无效。' }, 401);
    await next();
  });

  // Accounts.
  app.post('/admin/users', async (c) => {
    const body = JSON.parse(await bodyText(c)) as Record<string, unknown>;
    const user = await users.add(body as never, departments());
    logger.say(`已创建账户 ${user.username}（${user.role}${user.department ? `，${user.department}` : ''}）`, 'user added', { user: user.username, role: user.role });
    return c.json(user, 201);
  });
  app.get('/admin/users', async (c) => c.json({ items: await users.list() }));
  app.post('/admin/users/update', async (c) => c.json(await updateUser(users, JSON.parse(await bodyText(c)), departments())));

  // The runtime itself.
  app.get('/admin/status', (c) => json(c, 200, deps.status()));
  app.post('/admin/backup', async (c) => {
    // tousu backup while running: the copy is made by this process, the only one with the database open.
    const body = JSON.parse(await bodyText(c)) as { destination?: unknown };
    if (typeof body.destination !== 'string' || !body.destination.startsWith('/')) return c.json({ message: 'destination 应为备份文件的绝对路径。' }, 400);
    return c.json(await deps.backupTo(body.destination), 201);
  });
  app.post('/admin/calendar', async (c) => {
    // tousu calendar import --data-dir: load the year now and recompute the provisional cases.
    const body = JSON.parse(await bodyText(c)) as { year?: unknown };
    const done = await importCalendarYear(deps.calendarAdmin, body.year, { role: 'admin', id: 'cli' });
    logger.say(`已导入 ${done.year.year} 年节假日安排，重新计算 ${done.recompute.casesRecomputed} 件在办投诉的暂定期限`, 'calendar imported', {
      year: done.year.year,
      ...done.recompute,
      problems: done.recompute.problems.length,
    });
    return c.json({ imported: done.year.year, recompute: done.recompute }, 201);
  });

  // The art. 20 quarterly report (body: quarter, jurisdiction).
  app.post('/admin/reports/evaluation', async (c) => {
    const body = await optionalJson<{ quarter?: unknown; jurisdiction?: unknown }>(c);
    if (typeof body.quarter !== 'string' || !isQuarter(body.quarter)) return c.json({ message: 'quarter 应为 YYYYQn 格式（例如 2024Q1）。' }, 400);
    const code = body.jurisdiction ?? jurisdiction.code;
    if (typeof code !== 'string' || !/^\d{6}(-[A-Za-z0-9]+)?$/.test(code)) return c.json({ message: 'jurisdiction 应为6位行政区划代码。' }, 400);
    let ref: JurisdictionRef = { code };
    if (code === jurisdiction.code) ref = jurisdiction;
    else {
      try {
        ref = loadJurisdiction(code);
      } catch (err) {
        if (!isTousuError(err)) throw err;
      }
    }
    return json(c, 200, await buildQuarterReport(deps.evaluation, ref, body.quarter));
  });

  // `tousu workorders list|replay`: the outbox items (never the result text) and the replay of dead letters (all, or
  // the given report ids), which the pump then posts at once. Without the 12345 loop every such path is 409.
  const workOrders = new Hono();
  workOrders.use('*', async (c, next) => {
    if (!deps.workOrders) return c.json({ code: 'workorder_outbound_not_configured', message: '未配置 12345 工单回传（tousu.config.json 的 workOrderOutbound）。' }, 409);
    await next();
  });
  workOrders.get('/', async (c) => {
    const pump = deps.workOrders!;
    const status = c.req.query('status');
    if (status !== undefined && !['pending', 'delivered', 'dead'].includes(status)) return c.json({ message: `status 只能是 pending、delivered 或 dead，收到“${status}”。` }, 400);
    const items = await pump.outbox.list(status as OutboxStatus | undefined);
    // `full=1`: whole reports, for `tousu workorders export` (the batch the platform gets, result text included).
    return json(c, 200, { items: c.req.query('full') === '1' ? items : items.map(outboxItemView) });
  });
  workOrders.post('/replay', async (c) => {
    const pump = deps.workOrders!;
    const body = await optionalJson<{ ids?: unknown }>(c);
    if (body.ids !== undefined && !(Array.isArray(body.ids) && body.ids.every((x) => typeof x === 'string'))) return c.json({ message: 'ids 应为回传编号的数组。' }, 400);
    let replayed: string[];
    try {
      replayed = await pump.replay(body.ids as string[] | undefined);
    } catch (err) {
      return c.json({ code: 'not_dead_letters', message: `以下编号不是失败的回传：${(err as Error).message.replace(/^not dead letters: /, '')}` }, 404);
    }
    const run = replayed.length > 0 ? await pump.run() : undefined;
    return json(c, 200, { replayed, ...(run ? { run } : {}) });
  });
  workOrders.all('*', (c) => c.json({ message: 'not found' }, 404));
  app.route('/admin/workorders', workOrders);

  // Dead letters and the reconciler (`tousu dead-letters list|replay`, `tousu reconcile`). Listings never carry the
  // intake itself.
  app.get('/admin/dead-letters', async (c) => {
    const status = c.req.query('status') ?? 'open';
    if (status !== 'open' && status !== 'resolved') return c.json({ message: `status 只能是 open 或 resolved，收到“${status}”。` }, 400);
    return json(c, 200, await recovery.listDeadLetters(status));
  });
  app.post('/admin/dead-letters/replay', async (c) => {
    const body = await optionalJson<{ id?: unknown }>(c);
    if (body.id !== undefined) {
      if (typeof body.id !== 'string' || !/^[a-f0-9]{32}$/.test(body.id)) return c.json({ message: '死信编号应为 32 位十六进制字符。' }, 400);
      return json(c, 200, { store: [await recovery.replay(body.id)], smtp: [] });
    }
    return json(c, 200, await recovery.replayAll());
  });
  app.post('/admin/reconcile', async (c) => {
    const body = await optionalJson<{ thresholdMs?: unknown; dryRun?: unknown }>(c);
    if (body.thresholdMs !== undefined && (typeof body.thresholdMs !== 'number' || !Number.isFinite(body.thresholdMs) || body.thresholdMs < 0)) {
      return c.json({ message: 'thresholdMs 应为非负数。' }, 400);
    }
    return json(c, 200, await recovery.reconcile({ ...(typeof body.thresholdMs === 'number' ? { thresholdMs: body.thresholdMs } : {}), dryRun: body.dryRun === true }));
  });

  app.notFound((c) => c.json({ message: 'not found' }, 404));
  app.onError((err, c) => {
    if (isTousuError(err)) return json(c, err.status, { code: err.code, message: err.message, ...('problems' in err ? { errors: (err as { problems: unknown }).problems } : {}) });
    if (err instanceof SyntaxError) return c.json({ message: '请求内容不是有效的 JSON。' }, 400);
    logger.error('admin request failed', { error: errorName(err) });
    return c.json({ message: '内部错误。' }, 500);
  });
  return app;
}
