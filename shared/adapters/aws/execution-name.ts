/**
 * Step Functions execution names: 1–80 characters of letters, digits, `-` and `_`. Its own module (no SDK import),
 * so that the start queue's QueuedWorkflow does not put the Step Functions client into a bundle that only queues.
 */
export function executionNameFor(caseId: string): string {
  const name = caseId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  if (!name) throw new RangeError('empty execution name');
  return name;
}
