/**
 * Recovery as staff reach it (the console's 死信与流程故障, `GET|POST /api/admin/recovery/...` in
 * functions/api/routes/admin.ts): the dead letters, their replay and the reconciler, wired by each platform's root
 * (functions/api/index.ts on AWS, infra/local/recovery.ts in the embedded runtime). The result types of the
 * services (shared/services/dead-letters.ts, shared/services/reconcile.ts) live here with the port.
 */
import type { Phase } from '../domain/case';
import type { DeadLetter } from '../domain/dead-letter';
import type { DeadLetterStore } from './dead-letters';

export type ReplayOutcome = { id: string; ok: true; caseId: string; duplicate: boolean; note: string } | { id: string; ok: false; error: DeadLetter['error']; note: string };

export type ReconcileFinding =
  | { kind: 'not_started'; caseId: string; phase: Phase; action: 'started' | 'restarted' | 'already_restarted' | 'already_running' | 'would_start'; execution?: string }
  | { kind: 'no_waiting_task' | 'missed_wake_up'; caseId: string; phase: Phase; action: 'resumed' | 'already_resumed' | 'would_resume'; execution?: string }
  | { kind: 'orphan_claim'; sourceKey: string; caseId?: string; action: 'replayed' | 'dead_lettered' | 'would_dead_letter' | 'reported'; deadLetterId?: string; replayedInto?: string }
  | { kind: 'unjoined_merge'; caseId: string; into: string; action: 'joined' | 'would_join' | 'reported' };

export interface ReconcileReport {
  at: string;
  thresholdMs: number;
  dryRun: boolean;
  casesChecked: number;
  claimsChecked: number;
  findings: ReconcileFinding[];
  problems: { caseId?: string; sourceKey?: string; error: string }[];
}

export interface AdminRecovery {
  deadLetters: DeadLetterStore;
  replay(id: string): Promise<ReplayOutcome>;
  reconcile(opts: { dryRun?: boolean; onlyCaseId?: string }): Promise<ReconcileReport>;
}
