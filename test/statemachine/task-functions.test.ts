/**
 * The Lambda task functions (functions/<name>/index.ts): environment parsed at cold start, module-scope clients,
 * the middy handler around the same services the in-process engine runs. DynamoDB is dynalite (through
 * AWS_ENDPOINT_URL_DYNAMODB); Step Functions is mocked (aws-sdk-client-mock) to observe SendTaskSuccess.
 */
import { SFNClient, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { DynamoCaseStore } from '../../shared/adapters/aws/dynamo-case-store';
import { cryptoIds } from '../../shared/adapters/ids';
import { loadCalendar } from '../../shared/calendar/load';
import { loadJurisdiction, loadRulesRegistry } from '../../shared/config/load';
import { submitIntake } from '../../shared/intake/core';
import { systemClock } from '../../shared/ports';
import type { Workflow } from '../../shared/ports';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';
import { DynamoDuplicateIndex } from '../../shared/adapters/aws/dynamo-duplicate-index';
import { fingerprint, indexKeyId } from '../../shared/domain/duplicates/index';
import { duplicateMatcherOptions } from '../../shared/composition/duplicate-matching';

const sfn = mockClient(SFNClient);
const context = { functionName: 'test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
let dynalite: DynaliteHandle;
let store: DynamoCaseStore;
let dupIndex: DynamoDuplicateIndex;

beforeAll(async () => {
  // The Lambda handlers build their own SDK clients from AWS_ENDPOINT_URL_DYNAMODB: this test needs a listener.
  dynalite = await startDynalite({ listen: true });
  const client = localDynamoClient(dynalite);
  await ensureTable(client, 'tousu-fn');
  store = new DynamoCaseStore({ doc: documentClient(client), tableName: 'tousu-fn' });
  dupIndex = new DynamoDuplicateIndex({ doc: documentClient(client), tableName: 'tousu-fn' });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynalite.endpoint;
  process.env.TABLE_NAME = 'tousu-fn';
  process.env.JURISDICTION = '510903';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  sfn.restore();
  await dynalite.close();
});

const noStart: Workflow = { start: async () => ({ executionId: 'x', alreadyRunning: false }), sendTaskSuccess: async () => undefined, sendTaskFailure: async () => undefined };

it('screen, prepare and await run as Lambda handlers against the table', async () => {
  const filed = await submitIntake(
    { store, workflow: noStart, clock: systemClock, ids: cryptoIds, rules: loadRulesRegistry(), jurisdiction: loadJurisdiction('510903'), calendar: loadCalendar() },
    {
      channel: 'web',
      sourceKey: 'test:fn:1',
      receivedAt: new Date().toISOString(),
      receivedBy: 'agency',
      complainant: { name: '赵某', phone: '13600000000', anonymous: false, wantsReply: true, confidential: false },
      respondent: { unitCode: 'SCJGJ' },
      matter: '窗口办事拖延',
      facts: '三次往返',
      evidence: [],
    },
  );
  const screen = (await import('../../functions/screen-case/index')).handler;
  const prepare = (await import('../../functions/prepare-wait/index')).handler;
  const awaitAction = (await import('../../functions/await-action/index')).handler;

  // Before screening no LSH band of the case is filed; the screening function files all of them.
  const record = (await store.get(filed.caseId))!;
  // The matcher's own options, as the screening Lambda is given them (the same words on both platforms, issue 22).
  const m = duplicateMatcherOptions(loadJurisdiction('510903'));
  const at = <T>(v: T | ((j: string) => T | undefined) | undefined): T | undefined => (typeof v === 'function' ? (v as (j: string) => T | undefined)('510903') : v);
  const matcher = { departments: at(m.departments), services: at(m.services), halls: at(m.halls), places: at(m.places), tokenize: m.tokenize };
  const bands = fingerprint(record.intake, matcher).keys.filter((k) => k.kind === 'band');
  expect(bands.length).toBe(32);
  const filedFor = async () => [...(await dupIndex.lookup('510903', bands)).entries()].filter(([, es]) => es.some((e) => e.caseId === filed.caseId)).map(([id]) => id);
  expect(await filedFor()).toEqual([]);
  expect(await screen({ caseId: filed.caseId }, context)).toEqual({ phase: 'dispatch' });
  expect((await filedFor()).sort()).toEqual(bands.map(indexKeyId).sort());
  // …and only them: the identity keys are the intake's, filed once before the case is created (issue 26), so a
  // case put into the table without the intake has none after screening.
  const identity = fingerprint(record.intake, matcher).keys.filter((k) => k.kind !== 'band');
  expect(identity.length).toBeGreaterThan(0);
  const hits = await dupIndex.lookup('510903', identity);
  for (const k of identity) expect(hits.get(indexKeyId(k))?.some((e) => e.caseId === filed.caseId) ?? false).toBe(false);
  const plan = (await prepare({ caseId: filed.caseId, step: 'dispatch' }, context)) as { timeoutSeconds: number; wakeUpAt: string };
  expect(plan.timeoutSeconds).toBeGreaterThan(0);
  expect(Date.parse(plan.wakeUpAt)).toBeGreaterThan(Date.now());

  expect(await awaitAction({ caseId: filed.caseId, step: 'dispatch', taskToken: 'tok-1', wakeUpAt: plan.wakeUpAt }, context)).toEqual({ phase: 'dispatch', waiting: true });
  expect((await store.get(filed.caseId))!.waiting?.taskToken).toBe('tok-1');
  expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);

  // The case already left 'acceptance' (it never was there): the await task completes its own callback.
  sfn.on(SendTaskSuccessCommand).resolves({});
  expect(await awaitAction({ caseId: filed.caseId, step: 'acceptance', taskToken: 'tok-2' }, context)).toEqual({ phase: 'dispatch', waiting: false });
  const calls = sfn.commandCalls(SendTaskSuccessCommand);
  expect(calls).toHaveLength(1);
  expect(calls[0]!.args[0].input).toEqual({ taskToken: 'tok-2', output: JSON.stringify({ phase: 'dispatch' }) });

  await expect(screen({ nope: true }, context)).rejects.toThrow();
});
