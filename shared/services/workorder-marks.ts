/**
 * The marks of the 12345 loop (art. 7(2)): the case-store decorator both platforms compose when the loop is
 * configured. Kept apart from ./workorder-outbound.ts (the pump, zod, the report builder) so that every function
 * bundle that writes cases carries only this and the list of reported event types.
 */
import { isReportedEventType } from '../domain/workorder/reported-events';
import type { CaseStore, Clock } from '../ports';
import type { WorkOrderOutbox } from '../ports/workorder-outbox';

/**
 * The case store as the platforms compose it when the 12345 loop is configured: a write of a work-order case that
 * adds a reported step (受理, 交办, 办理结果, 回访) first marks the case in the outbox, then writes. The pump collects
 * the marked cases' reports, so a crash between the write and the collection loses nothing (the mark stays), and a
 * failed mark fails the write (it is retried like any other store failure). Every other call passes through.
 */
export function withWorkOrderMarks(store: CaseStore, deps: { outbox: Pick<WorkOrderOutbox, 'markCase'>; clock: Clock; newToken: () => string; onMarked?: (caseId: string) => void }): CaseStore {
  const mark = async (c: { caseId: string; intake: { workOrderNo?: string | undefined } }, events: readonly { type: string }[]) => {
    if (!c.intake.workOrderNo || !events.some((e) => isReportedEventType(e.type))) return false;
    await deps.outbox.markCase(c.caseId, deps.newToken(), deps.clock.now().toISOString());
    return true;
  };
  const create: CaseStore['create'] = async (record, events, opts) => {
    const marked = await mark(record, events);
    const out = await store.create(record, events, opts);
    if (marked) deps.onMarked?.(record.caseId);
    return out;
  };
  const update: CaseStore['update'] = async (record, expectedVersion, events) => {
    const marked = await mark(record, events);
    const out = await store.update(record, expectedVersion, events);
    if (marked) deps.onMarked?.(record.caseId);
    return out;
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'create') return create;
      if (prop === 'update') return update;
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
