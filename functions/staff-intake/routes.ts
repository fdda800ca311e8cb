/**
 * POST /api/intake/{letter|box|phone|onsite|workorder}: staff intake over HTTP (the tousu CLI's target).
 * JSON body = the entry; or multipart with `entry` (JSON text) and files (`files`, and `signedForm` for the
 * written, signed form of a major on-site matter, art. 7(1)).
 */
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Actor } from '../../shared/domain/case';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/domain/errors';
import type { IntakeDeps } from '../../shared/intake/core';
import type { UploadedFile } from '../../shared/intake/evidence';
import { parseFormBody } from '../api/form-body';
import { STAFF_INTAKE_CHANNELS, staffCheck, staffSubmit } from './service';
import type { StaffIntakeChannel, StaffIntakeSubmit } from './service';

/** Verifies `Authorization: Bearer …`; throws UnauthorizedError. Supplied by the runtime (jose) or AWS (Cognito). */
export type StaffAuthenticator = (authorization: string | undefined) => Promise<Actor>;

const STAFF_ROLES = new Set(['agency', 'department', 'admin']);

export function mountStaffIntakeRoutes(app: Hono, deps: { intake: IntakeDeps; authenticate: StaffAuthenticator; submit?: StaffIntakeSubmit }): void {
  // Check before saving (the console's 登记 screen): the entry's problems, or the possible duplicates. Nothing is
  // stored. Body: { entry, files?: [{ name }], signedForm?: boolean }.
  app.post('/api/intake/:channel{letter|box|phone|onsite|workorder}/check', bodyLimit({ maxSize: 256 * 1024 }), async (c) => {
    const actor = await deps.authenticate(c.req.header('authorization'));
    if (!STAFF_ROLES.has(actor.role)) throw new ForbiddenError('只有工作人员可以登记投诉。');
    const channel = c.req.param('channel') as StaffIntakeChannel;
    let body: { entry?: unknown; files?: unknown; signedForm?: unknown };
    try {
      body = (await c.req.json()) as typeof body;
    } catch {
      throw new ValidationError([{ field: '(root)', code: 'invalid_json', message: '请求内容不是有效的 JSON。' }]);
    }
    const names = Array.isArray(body.files) ? body.files.map((f) => (typeof (f as { name?: unknown })?.name === 'string' ? String((f as { name: string }).name) : '')).filter(Boolean) : [];
    const r = await staffCheck(deps.intake, channel, body.entry ?? {}, { count: names.length + (body.signedForm === true ? 1 : 0), names, signedForm: body.signedForm === true });
    if (!r.ok) throw new ValidationError(r.problems);
    return c.json({ ...r, ...(r.candidates.length ? { label: '可能重复' } : {}) });
  });
  app.post('/api/intake/:channel{letter|box|phone|onsite|workorder}', bodyLimit({ maxSize: 45 * 1024 * 1024 }), async (c) => {
    const actor = await deps.authenticate(c.req.header('authorization'));
    if (!STAFF_ROLES.has(actor.role)) throw new ForbiddenError('只有工作人员可以登记投诉。');
    const channel = c.req.param('channel') as StaffIntakeChannel;
    if (!STAFF_INTAKE_CHANNELS.includes(channel)) throw new NotFoundError();
    const type = c.req.header('content-type') ?? '';
    let entry: unknown;
    const files: UploadedFile[] = [];
    if (type.includes('multipart/form-data')) {
      const body = await parseFormBody(c);
      try {
        entry = JSON.parse(typeof body.entry === 'string' ? body.entry : '{}');
      } catch {
        throw new ValidationError([{ field: 'entry', code: 'invalid_json', message: '登记内容不是有效的 JSON。' }]);
      }
      for (const name of ['files', 'signedForm']) {
        const v = body[name];
        for (const f of Array.isArray(v) ? v : v === undefined ? [] : [v]) {
          if (typeof f === 'string' || f.size === 0) continue;
          files.push({ filename: f.name, bytes: new Uint8Array(await f.arrayBuffer()), ...(name === 'signedForm' ? { kind: 'signed_form' as const } : {}) });
        }
      }
    } else {
      try {
        entry = await c.req.json();
      } catch {
        throw new ValidationError([{ field: '(root)', code: 'invalid_json', message: '请求内容不是有效的 JSON。' }]);
      }
    }
    const r = await staffSubmit(deps.intake, channel, entry, files, actor, deps.submit);
    return c.json(
      {
        caseId: r.caseId,
        ...(r.queryCode ? { queryCode: r.queryCode } : {}),
        status: r.status,
        ...(r.mergedInto ? { mergedInto: r.mergedInto } : {}),
        duplicate: r.duplicate,
        ...(r.possibleDuplicates ? { possibleDuplicate: { label: '可能重复', candidates: r.possibleDuplicates } } : {}),
      },
      r.duplicate ? 200 : 201,
    );
  });
}
