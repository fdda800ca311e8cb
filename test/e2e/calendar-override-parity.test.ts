/**
 * Issue 16, the drift bug: a jurisdiction with a calendar override (a county's local day off) gets the same
 * screening deadlines from every platform's composition root: the screen-case Lambda as wired on AWS
 * (functions/screen-case/index.ts → shared/composition/aws.ts; DynamoDB is dynalite through
 * AWS_ENDPOINT_URL_DYNAMODB, Step Functions mocked with aws-sdk-client-mock), the embedded runtime (its HTTP form
 * and in-process engine) and the CLI (the life-cycle sandbox of `tousu demo`, and `openTarget` of `tousu
 * reconcile` on the runtime's data directory). A control run without the override proves the override moves the
 * dates, so the comparison can fail.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { DynamoCaseStore } from '../../shared/adapters/aws/dynamo-case-store';
import { cryptoIds } from '../../shared/adapters/ids';
import { composeJurisdiction } from '../../shared/composition/jurisdiction';
import type { CaseRecord } from '../../shared/domain/case';
import { submitIntake } from '../../shared/intake/core';
import type { Workflow } from '../../shared/ports';
import { ManualClock } from '../../infra/local/clock';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';
import { openLifecycleSandbox } from '../../infra/local/lifecycle-sandbox';
import { startRuntime } from '../../infra/local/runtime';
import { openTarget } from '../../infra/cli/commands/reconcile';
import { REPO, api } from './runtime-helpers';

const CODE = '510903';
/** Monday before the National Day holidays; the override makes Tuesday a local day off. */
const RECEIVED = '2026-09-28T10:00:00+08:00';
const OVERRIDE = { date: '2026-09-29', workday: false, source: '某县临时调整（测试）' };

const sfn = mockClient(SFNClient);
const context = { functionName: 'screen-case', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const noStart: Workflow = { start: async () => ({ executionId: 'x', alreadyRunning: false }), sendTaskSuccess: async () => undefined, sendTaskFailure: async () => undefined };
const complainant = { name: '王测试', phone: '13700006666', anonymous: false, wantsReply: true, confidential: false };
const matter = '办理营业执照变更时窗口未一次性告知所需材料，往返三次仍未办结。';
const canonical = (key: string) => ({
  channel: 'web',
  sourceKey: `test:parity:${key}`,
  receivedAt: RECEIVED,
  receivedBy: 'agency',
  complainant,
  respondent: { unitCode: 'SCJGJ' },
  matter,
  facts: '三次往返',
  evidence: [],
});
const dues = (c: CaseRecord) => c.deadlines.map((d) => `${d.clock}:${d.dueAt}`);

let jurDir: string;
let dynalite: DynaliteHandle;

beforeAll(async () => {
  jurDir = await mkdtemp(join(tmpdir(), 'tousu-jur-'));
  const config = JSON.parse(await readFile(join(REPO, 'config/jurisdictions', `${CODE}.json`), 'utf8')) as Record<string, unknown>;
  await writeFile(join(jurDir, `${CODE}.json`), JSON.stringify({ ...config, calendarOverrides: [OVERRIDE] }, null, 2));
  dynalite = await startDynalite({ listen: true });
  await ensureTable(localDynamoClient(dynalite), 'tousu-parity');
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint, TABLE_NAME: 'tousu-parity', JURISDICTION: CODE, JURISDICTION_DIR: jurDir, POWERTOOLS_LOG_LEVEL: 'SILENT' });
});
afterAll(async () => {
  for (const k of ['AWS_ENDPOINT_URL_DYNAMODB', 'TABLE_NAME', 'JURISDICTION', 'JURISDICTION_DIR']) delete process.env[k];
  sfn.restore();
  await dynalite.close();
  await rm(jurDir, { recursive: true, force: true });
});

/** The screening deadlines of one complaint received at RECEIVED, screened by the sandbox with or without the override. */
async function sandboxDues(withOverride: boolean): Promise<string[]> {
  const sb = await openLifecycleSandbox({ clock: new ManualClock(RECEIVED), ...(withOverride ? { jurisdictionDir: jurDir } : {}) });
  try {
    const filed = await sb.file(canonical(`sandbox-${withOverride}`));
    await sb.workflow.idle();
    return dues(await sb.get(filed.caseId));
  } finally {
    await sb.close();
  }
}

it('the screening deadlines agree on AWS, the embedded runtime and the CLI, and the override moves them', async () => {
  // The override is in the calendar the compositions build, and it matters for these dates.
  const withOverride = composeJurisdiction(CODE, { jurisdictionDir: jurDir }).calendar;
  expect(withOverride.isWorkday('2026-09-29')).toBe(false);
  const control = await sandboxDues(false);
  const cli = await sandboxDues(true);
  expect(cli.length).toBeGreaterThan(0);
  expect(cli).not.toEqual(control);

  // AWS: the screen-case Lambda handler as deployed, on a case filed in its table.
  const store = new DynamoCaseStore({ doc: documentClient(localDynamoClient(dynalite)), tableName: 'tousu-parity' });
  const { jurisdiction, rules, calendar } = composeJurisdiction(CODE, { jurisdictionDir: jurDir });
  const filed = await submitIntake({ store, workflow: noStart, clock: { now: () => new Date(RECEIVED) }, ids: cryptoIds, rules, jurisdiction, calendar }, canonical('aws'));
  const screen = (await import('../../functions/screen-case/index')).handler;
  await screen({ caseId: filed.caseId }, context);
  const aws = dues((await store.get(filed.caseId))!);
  expect(aws).toEqual(cli);

  // The embedded runtime: the public form over HTTP, screened by the in-process engine.
  const dataDir = await mkdtemp(join(tmpdir(), 'tousu-parity-rt-'));
  try {
    const rt = await startRuntime({ dataDir, port: 0, smtpPort: 0, clock: new ManualClock(RECEIVED), quiet: true, jurisdiction: CODE, jurisdictionDir: jurDir, reconcileEveryMs: 0 });
    let runtime: string[];
    try {
      const r = await api(rt.httpUrl).call('POST', '/api/complaints', { body: { complainant, respondent: { unit: '遂宁市船山区市场监督管理局' }, matter } });
      expect(r.status).toBe(201);
      await rt.workflow.idle();
      runtime = dues((await rt.store.get(r.body.caseId as string))!);
    } finally {
      await rt.stop();
    }
    expect(runtime).toEqual(cli);

    // The CLI on the stopped data directory (`tousu reconcile`, `tousu dead-letters`): the same calendar.
    const target = await openTarget({ dataDir, jurisdictionDir: jurDir });
    try {
      expect(target.calendar.isWorkday('2026-09-29')).toBe(false);
      expect(target.calendar.addWorkingDays(RECEIVED, 3)).toEqual(withOverride.addWorkingDays(RECEIVED, 3));
    } finally {
      await target.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}, 120_000);
