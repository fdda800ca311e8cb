/**
 * 来信核对: the clerk's check of scanned letters read by OCR (the console's review screen).
 *
 * - GET  /api/console/letters                    batches with their progress, and each letter's status (no content);
 * - GET  /api/console/letters/:id                one letter: the proposed fields with their confidence, the transcript;
 * - GET  /api/console/letters/:id/scans/:name    one of its scans (image bytes, never rendered on our origin as HTML);
 * - POST /api/console/letters/:id/confirm        the clerk's fields → a case through the staff letter intake.
 *
 * Agency staff only: a pending letter is not assigned to anyone yet and may come from a complainant who asks for
 * confidentiality (art. 13). Every read of a letter's content and every confirmation is audited under the
 * letter's own key (`LETTER-REVIEW:<id>`: who, when, what), and the confirmation on the new case too. A letter is
 * a case only after this confirmation; the fields go through the same validation as a keyed manifest row.
 *
 * Mounted by the embedded runtime. On AWS letters without keyed fields are refused (`ocr_not_available`), so the
 * API Lambda does not mount these routes and they answer 404.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../shared/domain/errors';
import type { JurisdictionConfig } from '../../../shared/domain/jurisdiction';
import { DEFAULT_PROPOSAL_THRESHOLD, LETTER_FIELDS } from '../../../shared/domain/extraction/letter-fields';
import type { Actor } from '../../../shared/domain/case';
import type { CaseStore, Clock } from '../../../shared/ports';
import type { LetterReviewStore, PendingLetter } from '../../../shared/ports/letter-review';
import { authenticate } from '../../../shared/auth/principal';
import type { StaffPrincipal, StaffTokenVerifier } from '../../../shared/ports/staff-auth';

export interface LetterReviewRouteDeps {
  verifier: StaffTokenVerifier;
  jurisdiction: Pick<JurisdictionConfig, 'code'>;
  clock: Clock;
  store: Pick<CaseStore, 'audit'>;
  letters: LetterReviewStore;
  confirm(id: string, fields: Record<string, unknown>, actor: Actor): Promise<{ caseId: string; duplicate: boolean }>;
  /** Batches whose scans are being read now (the folder watch), for the progress while letters still arrive. */
  readingNow?: () => { batch: string; letters: number; read: number }[];
}

export const letterAuditKey = (id: string): string => `LETTER-REVIEW:${id}`;

const ID = /^[\p{L}\p{N}_.-]{1,200}$/u;
const MAX_FIELD = 20_000;

const ConfirmBody = z
  .object({
    fields: z.record(z.string().max(64), z.union([z.string().max(MAX_FIELD), z.boolean()])),
  })
  .strict();

async function agencyOf(c: Context, deps: LetterReviewRouteDeps): Promise<StaffPrincipal> {
  const p = await authenticate(deps.verifier, c.req.header('authorization'));
  if (p.jurisdiction && p.jurisdiction !== deps.jurisdiction.code) throw new ForbiddenError('该账户不属于本辖区。');
  if (p.role !== 'agency') throw new ForbiddenError('只有政务服务管理机构的工作人员可以核对来信。');
  return p;
}

/** Fields the clerk has to fill: left empty by the reading (under the threshold, not found, not fitting) and not keyed. */
export function fieldsForClerk(l: PendingLetter): string[] {
  return LETTER_FIELDS.filter((f) => !l.keyed?.[f] && !l.proposal.fields[f].value);
}

/** The batch's letters in reading order (ids sort as the folder watch read them). */
function batchOf(all: PendingLetter[], batch: string): PendingLetter[] {
  return all.filter((l) => l.batch === batch).sort((a, b) => a.id.localeCompare(b.id));
}

/** The next letter waiting for the clerk: later in the same batch first, then any batch. */
function nextPending(all: PendingLetter[], after: PendingLetter): string | undefined {
  const same = batchOf(all, after.batch);
  const i = same.findIndex((l) => l.id === after.id);
  return [...same.slice(i + 1), ...same.slice(0, i), ...all.filter((l) => l.batch !== after.batch)].find((l) => l.status === 'pending' && l.id !== after.id)?.id;
}

function progressOf(all: PendingLetter[], deps: LetterReviewRouteDeps) {
  const reading = deps.readingNow?.() ?? [];
  const names = [...new Set([...all.map((l) => l.batch), ...reading.map((r) => r.batch)])].sort();
  return names.map((batch) => {
    const letters = batchOf(all, batch);
    const now = reading.find((r) => r.batch === batch);
    const confirmed = letters.filter((l) => l.status === 'confirmed').length;
    return {
      batch,
      // While the batch is read, its size is the folder's; afterwards, the letters read.
      letters: Math.max(now?.letters ?? 0, letters.length),
      read: letters.length,
      confirmed,
      pending: letters.length - confirmed,
      reading: now !== undefined,
    };
  });
}

/** Image type by the file's first bytes (the name is the uploader's and proves nothing). */
function imageType(b: Uint8Array): string | undefined {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  return undefined;
}

export function mountLetterReviewRoutes(app: Hono, deps: LetterReviewRouteDeps): void {
  const audit = (id: string, actor: Actor, what: string, detail?: Record<string, unknown>) =>
    deps.store.audit({ caseId: letterAuditKey(id), at: deps.clock.now().toISOString(), actor, what, ...(detail ? { detail } : {}) });
  const letterOf = async (c: Context): Promise<PendingLetter> => {
    const id = c.req.param('id') ?? '';
    const l = ID.test(id) && !id.startsWith('.') ? await deps.letters.get(id) : undefined;
    if (!l) throw new NotFoundError('找不到该待核对来信。');
    return l;
  };

  app.get('/api/console/letters', async (c) => {
    await agencyOf(c, deps);
    const all = await deps.letters.list();
    return c.json({
      batches: progressOf(all, deps),
      // No content here: the list names each letter by its scans' stem, its status and how many fields wait.
      items: all
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((l) => ({ id: l.id, batch: l.batch, letter: l.letter, status: l.status, readAt: l.readAt, forClerk: fieldsForClerk(l).length, ...(l.caseId ? { caseId: l.caseId } : {}) })),
    });
  });

  app.get('/api/console/letters/:id', async (c) => {
    const p = await agencyOf(c, deps);
    const l = await letterOf(c);
    const all = await deps.letters.list();
    const same = batchOf(all, l.batch);
    await audit(l.id, p.actor, 'read_pending_letter');
    return c.json({
      id: l.id,
      batch: l.batch,
      letter: l.letter,
      status: l.status,
      ...(l.caseId ? { caseId: l.caseId, confirmedAt: l.confirmedAt } : {}),
      readAt: l.readAt,
      engine: l.engine,
      threshold: l.threshold ?? DEFAULT_PROPOSAL_THRESHOLD,
      pages: l.pages,
      ...(l.envelope ? { envelope: l.envelope } : {}),
      fields: Object.fromEntries(LETTER_FIELDS.map((f) => [f, { ...l.proposal.fields[f], ...(l.keyed?.[f] ? { value: l.keyed[f], keyed: true } : {}) }])),
      forClerk: fieldsForClerk(l),
      unsigned: l.proposal.unsigned,
      ...(l.proposal.respondentUnitCode ? { respondentUnitCode: l.proposal.respondentUnitCode } : {}),
      transcript: l.proposal.transcript,
      position: { index: same.findIndex((x) => x.id === l.id) + 1, of: same.length },
      batchProgress: progressOf(all, deps).find((b) => b.batch === l.batch),
      ...(nextPending(all, l) ? { next: nextPending(all, l) } : {}),
    });
  });

  app.get('/api/console/letters/:id/scans/:name', async (c) => {
    const p = await agencyOf(c, deps);
    const l = await letterOf(c);
    const name = c.req.param('name');
    if (![...l.pages, ...(l.envelope ? [l.envelope] : [])].includes(name)) throw new NotFoundError('找不到该扫描件。');
    const bytes = await deps.letters.scan(l.id, name);
    if (!bytes) throw new NotFoundError('扫描件文件已不存在。');
    await audit(l.id, p.actor, 'read_pending_scan', { scan: name === l.envelope ? 'envelope' : `page${l.pages.indexOf(name) + 1}` });
    return new Response(new Uint8Array(bytes), {
      status: 200,
      headers: {
        // An image the browser shows, or opaque bytes; never anything our origin would run.
        'content-type': imageType(bytes) ?? 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'no-store',
      },
    });
  });

  app.post('/api/console/letters/:id/confirm', bodyLimit({ maxSize: 256 * 1024 }), async (c) => {
    const p = await agencyOf(c, deps);
    const l = await letterOf(c);
    let raw: unknown;
    try {
      raw = JSON.parse(await c.req.text());
    } catch {
      throw new ValidationError([{ field: '(root)', code: 'invalid_json', message: '请求内容不是有效的 JSON。' }]);
    }
    const body = ConfirmBody.safeParse(raw);
    if (!body.success) throw new ValidationError([{ field: '(root)', code: 'invalid_body', message: `请求内容应为 {"fields": {...}}，各栏为文字（不超过 ${MAX_FIELD} 字）或是/否。` }]);
    let r: { caseId: string; duplicate: boolean };
    try {
      r = await deps.confirm(l.id, body.data.fields, p.actor);
    } catch (err) {
      // A refusal is on the letter's record too: which fields the intake refused, never what was typed.
      if (err instanceof ValidationError) await audit(l.id, p.actor, 'confirm_letter_refused', { fields: err.problems.map((x) => x.field).slice(0, 20) });
      throw err;
    }
    const edited = LETTER_FIELDS.filter((f) => {
      const sent = body.data.fields[f];
      const proposed = l.keyed?.[f] || l.proposal.fields[f].value || '';
      return (typeof sent === 'string' ? sent.trim() : '') !== proposed;
    });
    if (!r.duplicate) {
      await audit(l.id, p.actor, 'letter_confirmed', { caseId: r.caseId, edited });
      await deps.store.audit({ caseId: r.caseId, at: deps.clock.now().toISOString(), actor: p.actor, what: 'letter_confirmed', detail: { review: l.id, edited } });
    }
    const next = nextPending(await deps.letters.list(), l);
    return c.json({ caseId: r.caseId, duplicate: r.duplicate, ...(next ? { next } : {}) }, r.duplicate ? 200 : 201);
  });
}
