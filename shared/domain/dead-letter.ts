/**
 * A dead letter: a delivery that could not become a case after the retries (shared/services/dead-letters.ts has
 * the service, shared/ports/dead-letters.ts the store port). The canonical intake is kept for the replay.
 */
import * as z from 'zod';
import { Actor } from './case';
import { CanonicalIntake } from './intake';

export const DEAD_LETTER_KINDS = ['intake', 'orphan_claim', 'handover'] as const;
export const DEAD_LETTER_STATUSES = ['open', 'resolved'] as const;

export const DeadLetter = z.object({
  id: z.string().regex(/^[a-f0-9]{32}$/),
  kind: z.enum(DEAD_LETTER_KINDS),
  status: z.enum(DEAD_LETTER_STATUSES),
  jurisdiction: z.string().min(1).max(64),
  sourceKey: z.string().min(1).max(512),
  channel: z.string().max(32).optional(),
  /** Case id bound to the source claim, when known. */
  caseId: z.string().max(128).optional(),
  firstFailedAt: z.iso.datetime({ offset: true }),
  lastAttemptAt: z.iso.datetime({ offset: true }),
  attempts: z.number().int().nonnegative(),
  /** Error name and code only (messages may quote personal data). */
  error: z.object({ name: z.string().max(128), code: z.string().max(128).optional() }),
  /** The canonical intake to replay (kind `intake`). Stored like the case itself; never logged. */
  payload: CanonicalIntake.optional(),
  /** Staff member who entered the intake (folder watch, staff intake): the replay files it in their name. */
  actor: Actor.optional(),
  resolvedAt: z.iso.datetime({ offset: true }).optional(),
  resolution: z.object({ caseId: z.string().optional(), note: z.string().max(500) }).optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
