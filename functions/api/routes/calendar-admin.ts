/**
 * The working-day calendar for administrators (SPEC.md, Deadlines): which years have their State Council notice,
 * which are missing and how many open cases run on provisional dates (GET), and importing a year's notice (POST):
 * the notice text as published is parsed and shown for confirmation; with `confirm: true` it is saved, loaded and
 * the provisional deadlines of open cases are recomputed. Agency staff may look; only administrators import.
 */
import type { StaffPrincipal } from '../../../shared/ports/staff-auth';
import type { Context, Hono } from 'hono';
import type { StaffRole } from '../../../shared/auth/principal';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import type { CalendarYearData } from '../../../shared/domain/calendar';
import { ValidationError } from '../../../shared/domain/errors';
import { calendarStatus, importCalendarYear } from '../../../shared/services/calendar-admin';
import type { CalendarAdminDeps } from '../../../shared/services/calendar-admin';

export interface ParsedNotice {
  year: CalendarYearData;
  /** What was read, per festival, for the confirmation view. */
  findings: unknown[];
}

export interface CalendarRouteDeps extends CalendarAdminDeps {
  /** The State Council notice text → the year (tousu calendar import's parser). */
  parseNotice?: (text: string) => ParsedNotice;
}

const ImportBody = z
  .object({
    text: z.string().min(20, '请粘贴通知全文').max(50_000, '通知文本过长').optional(),
    year: z.unknown().optional(),
    confirm: z.boolean().optional(),
  })
  .refine((b) => b.text !== undefined || b.year !== undefined, { message: '请提供通知全文（text）或年度数据（year）' });

export type CalendarRouteAuth = (c: Context, roles: readonly StaffRole[], message: string) => Promise<StaffPrincipal>;

export function mountCalendarRoutes(app: Hono, deps: CalendarRouteDeps, auth: CalendarRouteAuth): void {
  app.get('/api/admin/calendar', async (c) => {
    await auth(c, ['agency', 'admin'], '只有政务服务管理机构和系统管理员可以查看工作日历状态。');
    return c.json(await calendarStatus(deps));
  });

  app.post('/api/admin/calendar', bodyLimit({ maxSize: 128 * 1024 }), async (c) => {
    const p = await auth(c, ['admin'], '只有系统管理员可以导入节假日安排。');
    const parsed = ImportBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message, code: i.code })));
    }
    const body = parsed.data;
    let year: unknown = body.year;
    let findings: unknown[] = [];
    if (body.text !== undefined) {
      if (!deps.parseNotice) throw new ValidationError([{ field: 'text', message: '此部署不能解析通知全文，请提交年度数据（year）。', code: 'not_supported' }]);
      const notice = deps.parseNotice(body.text);
      year = notice.year;
      findings = notice.findings;
    }
    if (body.confirm !== true) return c.json({ preview: year, findings, confirmWith: { confirm: true } });
    const result = await importCalendarYear(deps, year, p.actor);
    return c.json({ imported: result.year.year, source: result.year.source, recompute: result.recompute }, 201);
  });
}
