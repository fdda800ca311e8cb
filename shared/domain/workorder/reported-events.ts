/** The timeline event types that make a 12345 report (art. 7(2)), by report kind; ./report.ts builds the reports. */
export const REPORTED_EVENT_KINDS = {
  accepted: 'acceptance',
  dispatched: 'transfer',
  rerouted: 'transfer',
  lead_designated: 'transfer',
  transferred: 'result',
  concluded: 'result',
  not_accepted: 'result',
  terminated: 'result',
  follow_up_recorded: 'follow_up',
} as const satisfies Record<string, 'acceptance' | 'transfer' | 'result' | 'follow_up'>;

/** Whether a timeline event of this type makes a report (a case write without one needs no collection). */
export const isReportedEventType = (type: string): boolean => Object.hasOwn(REPORTED_EVENT_KINDS, type);
