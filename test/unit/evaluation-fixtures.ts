/**
 * Hand-built case transitions for the evaluation tests. Each step returns the record after it; `Life` keeps
 * every (before, after) pair so that the tests can feed them to deriveFacts / recordFacts exactly as the
 * action service and the workflow tasks will.
 */
import { CaseRecord } from '../../shared/domain/case';
import type { Classification, Deadline, Finding, Satisfaction } from '../../shared/domain/case';
import type { Channel } from '../../shared/domain/intake';

export interface NewCaseOptions {
  caseId: string;
  receivedAt: string;
  channel?: Channel;
  unitCode?: string;
  unit?: string;
  person?: string;
  matter?: string;
  department?: string;
  jurisdiction?: string;
}

export function newCase(o: NewCaseOptions): CaseRecord {
  const channel = o.channel ?? 'web';
  const record: CaseRecord = {
    caseId: o.caseId,
    jurisdiction: o.jurisdiction ?? '510903',
    trackingNo: o.caseId,
    queryCodeHash: 'a'.repeat(64),
    rulesVersion: 'suining-2023',
    receivedAt: o.receivedAt,
    createdAt: o.receivedAt,
    updatedAt: o.receivedAt,
    version: 0,
    phase: 'received',
    intake: {
      channel,
      sourceKey: `${channel}:${o.caseId}`,
      receivedAt: o.receivedAt,
      receivedBy: o.department ? { department: o.department } : 'agency',
      complainant: { name: '张三', phone: '13800000000', anonymous: false, wantsReply: true, confidential: false },
      respondent: {
        ...(o.unit !== undefined ? { unit: o.unit } : {}),
        ...(o.unitCode !== undefined ? { unitCode: o.unitCode } : {}),
        ...(o.person !== undefined ? { person: o.person } : {}),
      },
      matter: o.matter ?? '办理营业执照变更时被要求多次补交同一材料，来回跑了三趟。',
      evidence: [],
    },
    sources: [{ channel, sourceKey: `${channel}:${o.caseId}`, receivedAt: o.receivedAt }],
    ...(o.department ? { department: o.department } : {}),
    assignments: [],
    deadlines: [],
    flags: { confidential: false, anonymous: false },
    timelineLength: 1,
  };
  return CaseRecord.parse(record);
}

const clone = (c: CaseRecord): CaseRecord => structuredClone(c);

function step(c: CaseRecord, at: string, change: (n: CaseRecord) => void): CaseRecord {
  const n = clone(c);
  n.updatedAt = at;
  n.version += 1;
  change(n);
  return CaseRecord.parse(n);
}

const dl = (clock: Deadline['clock'], startedAt: string, dueAt: string): Deadline => ({ clock, startedAt, dueAt, workingDays: 2 });

/** A case's life, step by step; `transitions` holds every (before, after) pair in order. */
export class Life {
  readonly transitions: { before: CaseRecord | undefined; after: CaseRecord }[] = [];
  private current: CaseRecord;

  constructor(start: CaseRecord) {
    this.current = start;
    this.transitions.push({ before: undefined, after: start });
  }

  get record(): CaseRecord {
    return this.current;
  }

  private push(next: CaseRecord): this {
    this.transitions.push({ before: this.current, after: next });
    this.current = next;
    return this;
  }

  /** Screening done: waits for the acceptance decision (due `dueAt`). */
  toAcceptance(at: string, dueAt: string, department = this.current.department ?? 'SCJGJ'): this {
    return this.push(
      step(this.current, at, (n) => {
        n.phase = 'acceptance';
        n.department = department;
        n.deadlines.push(dl('acceptance', at, dueAt));
      }),
    );
  }

  accept(at: string): this {
    return this.push(
      step(this.current, at, (n) => {
        n.phase = 'classification';
        closeLast(n, 'acceptance', at);
      }),
    );
  }

  reject(at: string, reason: 'art8-1' | 'art8-2' = 'art8-1'): this {
    return this.push(
      step(this.current, at, (n) => {
        n.phase = 'archived';
        closeLast(n, 'acceptance', at);
        n.outcome = { kind: 'not_accepted', reason, referral: '请向市级相关部门反映', at };
      }),
    );
  }

  /** Classified; transfer and intervention start the result clock (due `resultDueAt`). */
  classify(kind: Classification, at: string, resultDueAt?: string): this {
    return this.push(
      step(this.current, at, (n) => {
        n.classification = kind;
        if (kind !== 'general') {
          n.phase = 'handling';
          n.deadlines.push(dl('result', at, resultDueAt ?? at));
        }
      }),
    );
  }

  extend(at: string, newDueAt: string): this {
    return this.push(
      step(this.current, at, (n) => {
        const i = lastIndex(n, 'result');
        const d = n.deadlines[i]!;
        n.deadlines[i] = { ...d, originalDueAt: d.dueAt, dueAt: newDueAt, extended: true };
      }),
    );
  }

  /** The workflow's timeout handler marks the open deadline of `clock` overdue. */
  markOverdue(clock: Deadline['clock'], at: string): this {
    return this.push(
      step(this.current, at, (n) => {
        const i = lastIndex(n, clock);
        n.deadlines[i] = { ...n.deadlines[i]!, overdueAt: at };
        n.flags.overdue = true;
      }),
    );
  }

  conclude(finding: Finding, at: string): this {
    return this.push(
      step(this.current, at, (n) => {
        n.conclusion = { finding, summary: '已核实并处理。', at, by: { role: 'department', id: 'liaison', department: n.department } };
        n.phase = finding === 'unfounded' ? 'reply' : 'rectification';
        if (lastIndex(n, 'result') >= 0) {
          const i = lastIndex(n, 'result');
          const d = n.deadlines[i]!;
          const late = Date.parse(at) > Date.parse(d.dueAt);
          n.deadlines[i] = { ...d, metAt: at, ...(late && !d.overdueAt ? { overdueAt: at } : {}) };
          if (late) n.flags.overdue = true;
        }
      }),
    );
  }

  followUp(satisfaction: Satisfaction, at: string): this {
    return this.push(
      step(this.current, at, (n) => {
        n.phase = 'archived';
        n.followUp = { satisfaction, at, by: { role: 'agency', id: 'agency-staff' } };
      }),
    );
  }

  terminate(at: string): this {
    return this.push(
      step(this.current, at, (n) => {
        n.phase = 'archived';
        closeLast(n, 'acceptance', at);
        n.outcome = { kind: 'terminated', reason: 'art19-3', at };
      }),
    );
  }

  merge(into: string, at: string): this {
    return this.push(
      step(this.current, at, (n) => {
        n.phase = 'merged';
        n.mergedInto = into;
        n.outcome = { kind: 'merged', into, at };
      }),
    );
  }

  unmerge(at: string, phase: CaseRecord['phase']): this {
    return this.push(
      step(this.current, at, (n) => {
        n.phase = phase;
        delete n.mergedInto;
        delete n.outcome;
      }),
    );
  }
}

function lastIndex(n: CaseRecord, clock: Deadline['clock']): number {
  for (let i = n.deadlines.length - 1; i >= 0; i -= 1) if (n.deadlines[i]!.clock === clock) return i;
  throw new Error(`no ${clock} deadline on ${n.caseId}`);
}

function closeLast(n: CaseRecord, clock: Deadline['clock'], at: string): void {
  for (let i = n.deadlines.length - 1; i >= 0; i -= 1) {
    const d = n.deadlines[i]!;
    if (d.clock === clock && !d.metAt) {
      n.deadlines[i] = { ...d, metAt: at };
      return;
    }
  }
}

let counter = 0;
/** A unique case id in the tracking-number style. */
export const nextId = (day = '20240110'): string => `510903-${day}-${String(++counter).padStart(4, '0')}`;

/**
 * A typical transferred complaint concluded with `finding` at `concludedAt` (received a few days before),
 * against `unit`/`person`. Options add an overdue mark on the result clock.
 */
export function concludedCase(o: {
  finding: Finding;
  concludedAt: string;
  receivedAt?: string;
  unitCode?: string;
  unit?: string;
  person?: string;
  channel?: Channel;
  resultDueAt?: string;
  overdueMarkedAt?: string;
  satisfaction?: Satisfaction;
  followUpAt?: string;
}): Life {
  const receivedAt = o.receivedAt ?? shift(o.concludedAt, -3);
  const life = new Life(newCase({ caseId: nextId(), receivedAt, channel: o.channel, unitCode: o.unitCode ?? (o.unit ? undefined : 'SCJGJ'), unit: o.unit, person: o.person }))
    .toAcceptance(shift(receivedAt, 0.1), shift(receivedAt, 2))
    .accept(shift(receivedAt, 1))
    .classify('transfer', shift(receivedAt, 1.1), o.resultDueAt ?? shift(o.concludedAt, 2));
  if (o.overdueMarkedAt) life.markOverdue('result', o.overdueMarkedAt);
  life.conclude(o.finding, o.concludedAt);
  if (o.satisfaction) life.followUp(o.satisfaction, o.followUpAt ?? shift(o.concludedAt, 1));
  return life;
}

/** `iso` moved by `days` (fractions allowed), as an ISO instant in +08:00. */
export function shift(iso: string, days: number): string {
  const ms = Date.parse(iso) + days * 86_400_000;
  const local = new Date(ms + 8 * 3600_000).toISOString().slice(0, 19);
  return `${local}+08:00`;
}
