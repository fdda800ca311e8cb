/**
 * DynamoDB reads and writes per intake and per life-cycle path, state transitions, Lambda invocations and SES
 * messages per path, and the cost per thousand cases at AWS list prices.
 *
 * Every life-cycle scenario (infra/local/lifecycle-scenarios.ts: the same list as the state-machine tests) runs
 * through the real intake core, the real ASL on the in-process engine, the real task and action services and the
 * DynamoDB CaseStore on dynalite. A middleware on the DynamoDB client counts every call and asks for
 * ConsumedCapacity (dynalite computes it by item size, table only); writes to the three GSIs (projection ALL) are
 * added from the size of the item written, as DynamoDB bills them.
 *
 * The store and the services are wired as deployed (`asDeployed`): evaluation facts with every case write, and
 * duplicate matching (the intake's index look-up and identity keys, the screening task's 35 index keys).
 *
 * The floor: the writes a case cannot do without: claim + tracking counter + case item at intake, then one case
 * write per change of the case (its final `version`). Everything above is bookkeeping (bind, event items, the
 * pending marker, department links, audit entries, evaluation facts, the duplicate index).
 */
import { readFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ManualClock } from '../infra/local/clock';
import { openLifecycleSandbox } from '../infra/local/lifecycle-sandbox';
import { ensureTable, localDynamoClient, startDynalite } from '../infra/local/dynalite';
import { MemoryMailSender } from '../shared/adapters/memory/mail-sender';
import { LIFECYCLE_SCENARIOS, runScenario } from '../infra/local/lifecycle-scenarios';
import { complainantName, complainantPhone } from './http-intake.bench';

/** AWS list prices (us-east-1, on demand), as of the date in docs/BENCHMARKS.md. */
export const PRICES = {
  sfnPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaPerGbSecondArm: 0.0000133334,
  dynamoPerWru: 0.625 / 1_000_000,
  dynamoPerRru: 0.125 / 1_000_000,
  sesPerMail: 0.1 / 1000,
};
/** Assumptions for Lambda compute: 512 MB (TousuFunction's default) and an average billed duration per invocation. */
export const LAMBDA_MEMORY_GB = 0.5;
export const LAMBDA_AVG_MS = 150;

const WRITE = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const GSI_PKS = ['gsi1pk', 'gsi2pk', 'gsi3pk'];

export interface OpCount {
  reads: number;
  writes: number;
  rru: number;
  wru: number;
  byCommand: Record<string, number>;
}

const empty = (): OpCount => ({ reads: 0, writes: 0, rru: 0, wru: 0, byCommand: {} });

/** Counts DynamoDB calls and capacity into `current` (swap it to attribute calls to a path). */
export class DynamoCounter {
  current: OpCount = empty();
  private readonly sizes = new Map<string, { size: number; gsis: number }>();

  constructor(client: DynamoDBClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = String((context as { commandName?: string }).commandName);
        const input = (args as { input: Record<string, unknown> }).input;
        input.ReturnConsumedCapacity = 'TOTAL';
        let out: Awaited<ReturnType<typeof next>>;
        try {
          out = await next(args);
        } catch (err) {
          // A failed conditional write still costs a write unit (DynamoDB bills it); count the call.
          const c = this.current;
          c.byCommand[command] = (c.byCommand[command] ?? 0) + 1;
          if (WRITE.has(command)) {
            c.writes += 1;
            c.wru += 1;
          } else c.reads += 1;
          throw err;
        }
        const c = this.current;
        c.byCommand[command] = (c.byCommand[command] ?? 0) + 1;
        const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
        const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((s, x) => s + (x.CapacityUnits ?? 0), 0);
        if (WRITE.has(command)) {
          c.writes += 1;
          c.wru += units + this.gsiUnits(command, input);
        } else {
          c.reads += 1;
          c.rru += units;
        }
        return out;
      },
      { step: 'initialize', name: 'benchCounter' },
    );
  }

  private itemKey(item: Record<string, unknown> | undefined): string | undefined {
    const pk = item?.pk;
    const sk = item?.sk;
    const s = (v: unknown) => (typeof v === 'string' ? v : (v as { S?: string } | undefined)?.S);
    return s(pk) && s(sk) ? `${s(pk)}|${s(sk)}` : undefined;
  }

  /** GSI write units: each index holding the item is written with the item's size (projection ALL). */
  private gsiUnits(command: string, input: Record<string, unknown>): number {
    const units = (size: number, gsis: number) => gsis * Math.max(1, Math.ceil(size / 1024));
    if (command === 'PutItemCommand') {
      const item = input.Item as Record<string, unknown>;
      const gsis = GSI_PKS.filter((k) => item[k] !== undefined).length;
      const size = JSON.stringify(item).length;
      const key = this.itemKey(item);
      if (key) this.sizes.set(key, { size, gsis });
      return units(size, gsis);
    }
    if (command === 'UpdateItemCommand' || command === 'DeleteItemCommand') {
      const known = this.sizes.get(this.itemKey(input.Key as Record<string, unknown>) ?? '');
      return known ? units(known.size, known.gsis) : 0;
    }
    if (command === 'TransactWriteItemsCommand') {
      // Transactional writes cost two units per item, in the table (dynalite's ConsumedCapacity, doubled by the
      // tests-only emulation) and in each GSI holding the item.
      let total = 0;
      for (const a of input.TransactItems as { Put?: { Item: Record<string, unknown> } }[]) {
        const item = a.Put?.Item;
        if (item) total += 2 * units(JSON.stringify(item).length, GSI_PKS.filter((k) => item[k] !== undefined).length);
      }
      return total;
    }
    if (command === 'BatchWriteItemCommand') {
      let total = 0;
      for (const reqs of Object.values(input.RequestItems as Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]>)) {
        for (const r of reqs) {
          const item = r.PutRequest?.Item;
          if (item) total += units(JSON.stringify(item).length, GSI_PKS.filter((k) => item[k] !== undefined).length);
        }
      }
      return total;
    }
    return 0;
  }
}

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes?: string }> {
  const clock = new ManualClock('2025-03-03T10:00:00+08:00');
  const mail = new MemoryMailSender();
  // The AWS adapters on dynalite (in memory): the embedded runtime stores in SQLite, this counts DynamoDB's bill.
  const dynalite = await startDynalite();
  const client = localDynamoClient(dynalite);
  await ensureTable(client, 'tousu');
  const counter = new DynamoCounter(client);
  const sb = await openLifecycleSandbox({ clock, mail, retryIntervalMs: 5, asDeployed: true, dynamo: { client, tableName: 'tousu' } });
  const asl = JSON.parse(readFileSync('statemachines/case-lifecycle.asl.json', 'utf8')) as { States: Record<string, { Type: string }> };
  const taskStates = new Set(
    Object.entries(asl.States)
      .filter(([, s]) => s.Type === 'Task')
      .map(([n]) => n),
  );
  let actions = 0;
  // Each filing its own complainant: the scenarios file the same fixture complaint again and again, which the
  // duplicate matching (wired as deployed) would otherwise merge into the first case.
  let filed = 0;
  const file = sb.file.bind(sb);
  sb.file = (intake) => {
    const n = filed++;
    const i = intake as { complainant?: Record<string, unknown> };
    if (!i.complainant || i.complainant.anonymous) return file(intake);
    return file({
      ...i,
      complainant: { ...i.complainant, name: complainantName(n), ...(i.complainant.phone ? { phone: complainantPhone(n) } : {}), ...(i.complainant.email ? { email: `c${n}@example.com` } : {}) },
    });
  };
  const act = sb.act.bind(sb);
  sb.act = (caseId, actor, body) => {
    actions++;
    return act(caseId, actor, body);
  };
  clock.setSettle(() => sb.workflow.idle());

  const results: Record<string, number | string> = {};
  const rows: string[] = [];
  try {
    // Intake alone (web form, agency-received), then a replay of the same delivery.
    const intake = {
      channel: 'web',
      sourceKey: 'web:bench-intake',
      receivedAt: '2025-03-03T10:00:00+08:00',
      receivedBy: 'agency',
      complainant: { name: '张某某', phone: '13800000000', email: 'c@example.com', anonymous: false, wantsReply: true, confidential: false },
      respondent: { unit: '遂宁市船山区市场监督管理局' },
      matter: '办理营业执照变更时窗口要求重复提交材料。',
      evidence: [],
    };
    const stopped = sb.workflow;
    await stopped.stop(); // count the intake's own calls, not the execution's
    sb.workflow = { start: async () => ({ executionId: 'x', alreadyRunning: false }), sendTaskSuccess: async () => undefined, sendTaskFailure: async () => undefined } as never;
    counter.current = empty();
    await sb.file(intake);
    const first = counter.current;
    counter.current = empty();
    await sb.file(intake);
    const replay = counter.current;
    results['intake: writes / reads (floor 3 writes)'] = `${first.writes} / ${first.reads}`;
    results['intake: WRU / RRU'] = `${first.wru} / ${first.rru}`;
    results['intake replay: writes / reads'] = `${replay.writes} / ${replay.reads}`;
    sb.restartWorkflow();

    // A web intake with its execution, to the first wait (screening done, waiting in dispatch): every DynamoDB call.
    counter.current = empty();
    const waited = await sb.file({ ...intake, sourceKey: 'web:bench-intake-to-wait' });
    await sb.workflow.idle();
    const toWait = counter.current;
    const calls = toWait.reads + toWait.writes;
    results['web intake to the first wait: DynamoDB calls (target ≤ 15)'] = calls;
    results['web intake to the first wait: calls by command'] = Object.entries(toWait.byCommand)
      .sort()
      .map(([k, v]) => `${k.replace(/Command$/, '')} ${v}`)
      .join(', ');
    results['web intake to the first wait: WRU / RRU'] = `${toWait.wru} / ${toWait.rru}`;
    results['web intake: phase at the first wait'] = (await sb.get(waited.caseId)).phase;

    let common: { cost: number } | undefined;
    let dearest: { id: string; cost: number } | undefined;
    for (const s of LIFECYCLE_SCENARIOS) {
      counter.current = empty();
      actions = 0;
      const mailsBefore = mail.sent.length;
      const r = await runScenario(sb, s, { advanceTo: (at) => clock.advanceTo(at) });
      await sb.workflow.idle();
      const ops = counter.current;
      const executions = sb.workflow.executionsOf(r.caseId);
      const taskInvocations = executions.flatMap((e) => e.states).filter((n) => taskStates.has(n)).length;
      const lambdas = taskInvocations + 1 + actions; // tasks + the intake's API call + one API call per staff action
      const mails = mail.sent.length - mailsBefore;
      const floor = 3 + r.record.version;
      const cost =
        r.transitions * PRICES.sfnPerTransition +
        lambdas * (PRICES.lambdaPerRequest + LAMBDA_MEMORY_GB * (LAMBDA_AVG_MS / 1000) * PRICES.lambdaPerGbSecondArm) +
        ops.wru * PRICES.dynamoPerWru +
        ops.rru * PRICES.dynamoPerRru +
        mails * PRICES.sesPerMail;
      if (!r.ok) throw new Error(`scenario ${s.id} did not run as the state-machine tests expect: no figure is written`);
      if (s.id === 'transfer') common = { cost };
      rows.push(
        `| ${s.id}${r.ok ? '' : ' (FAILED)'} | ${ops.writes} (floor ${floor}, ×${(ops.writes / floor).toFixed(1)}) | ${ops.reads} | ${ops.wru} | ${ops.rru} | ${r.transitions} | ${lambdas} | ${mails} | ${(cost * 1000).toFixed(3)} |`,
      );
      if (['transfer', 'general', 'intervention'].includes(s.id)) {
        results[`${s.id}: writes (floor), reads, WRU, RRU`] = `${ops.writes} (${floor}), ${ops.reads}, ${ops.wru}, ${ops.rru}`;
        results[`${s.id}: transitions, Lambda, SES`] = `${r.transitions}, ${lambdas}, ${mails}`;
      }
      if (!dearest || cost > dearest.cost) dearest = { id: s.id, cost };
    }
    results['common path (transfer): US$ per 1,000 cases (target ≤ 2)'] = common ? Number((common.cost * 1000).toFixed(3)) : 'not measured';
    if (dearest) results['dearest path: US$ per 1,000 cases'] = `${(dearest.cost * 1000).toFixed(3)} (${dearest.id})`;
  } finally {
    await sb.close();
    client.destroy();
    await dynalite.close();
  }
  return {
    name: 'DynamoDB operations, transitions, invocations, mails and cost per life-cycle path',
    results,
    notes: [
      '| path | DynamoDB writes (floor) | reads | WRU | RRU | state transitions | Lambda invocations | SES mails | US$ / 1,000 cases |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `Prices (AWS list, us-east-1, on demand): Step Functions standard $0.025 per 1,000 transitions; Lambda arm64 $0.0000133334 per GB-s + $0.20 per million requests, assumed ${LAMBDA_MEMORY_GB * 1024} MB and ${LAMBDA_AVG_MS} ms billed per invocation; DynamoDB $0.625 per million WRU, $0.125 per million RRU; SES $0.10 per 1,000 mails. Not included: API Gateway (HTTP API $1.00 per million requests), S3, CloudWatch Logs, KMS, data transfer.`,
      "WRU/RRU: dynalite's ConsumedCapacity (by item size, strongly consistent reads) plus one write per GSI holding the item (projection ALL, by the size written). Floor = claim + tracking counter + case item at intake, plus one case write per change of the case (its final version). Lambda invocations = Task states executed + the intake API call + one API call per staff action. The scenarios are those of `tousu demo` and test/statemachine (reminders and overdue marks included where the path has them), each filed by its own complainant. The store and services are wired as deployed: every case write also records its evaluation facts (EVAL#, art. 17/20), each case change is one TransactWriteItems (the case item, its events, department links and the evaluation facts that changed; issue 26), the intake looks up the duplicate index (one BatchGetItem, plus one for candidates when there are any) and files the complainant's identity keys in one TransactWriteItems, and the screening task files the 32 LSH bands in one more. dynalite has no transactions: the bench runs them through the tests-only emulation (infra/local/dynalite-transactions.cjs), which counts as one call each, as DynamoDB bills them (two write units per item).",
    ].join('\n'),
  };
}
