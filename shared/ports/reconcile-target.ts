/**
 * What the repair commands (`tousu reconcile`, `tousu dead-letters`, infra/cli/commands/reconcile.ts `openTarget`)
 * work on: a deployment's stores, workflow and configuration, opened through its platform's composition root: a
 * deployed table on AWS (shared/composition/aws.ts) or a stopped embedded data directory
 * (infra/local/composition.ts).
 */
import type { WorkingCalendar } from '../domain/calendar';
import type { JurisdictionConfig } from '../domain/jurisdiction';
import type { RulesRegistry } from '../domain/rules';
import type { ClaimSource } from './claims';
import type { DeadLetterStore, Submit } from './dead-letters';
import type { CaseStore, Workflow } from './index';

export interface ReconcileTarget {
  store: CaseStore;
  /** `deferred`: the cases a stopped embedded runtime will start at its next `tousu start`. */
  workflow: Workflow & { deferred?: string[] };
  deadLetters: DeadLetterStore;
  claims: ClaimSource;
  jurisdiction: JurisdictionConfig;
  /** The calendar the deployment computes with (its overrides, its imported years). */
  calendar: WorkingCalendar;
  rules: RulesRegistry;
  submit: Submit;
  /** Where the run happened, for people. */
  where: string;
  close(): Promise<void>;
}
