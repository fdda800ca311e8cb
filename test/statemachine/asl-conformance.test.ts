/**
 * The life-cycle ASL uses only what both AWS Step Functions and the in-process engine (aws-local-stepfunctions
 * 3.0.0) honour (ARCHITECTURE.md, "The embedded runtime: facts measured"). Each rule here fails when the
 * definition drifts into a construct the local engine ignores or rejects.
 */
import { createRequire } from 'node:module';
import { LIFECYCLE_ASL_PATH, readLifecycleDefinition, substituteLocalArns, taskStates } from '../../infra/local/engine';
import { TASK_FUNCTION_SUBSTITUTIONS, WAITING_PHASES } from '../../shared/services/lifecycle-tasks';
import { TASK_FUNCTION_TIMEOUT_SECONDS, TASK_STATE_TIMEOUT_SECONDS } from '../../infra/constructs/lifecycle-timeouts';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as (d: unknown, o?: { checkPaths?: boolean; checkArn?: boolean }) => { isValid: boolean; errorsText: (sep?: string) => string };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const definition = readLifecycleDefinition() as { [k: string]: Json };
const states = definition.States as Record<string, Record<string, Json>>;

/** Every (path, key, value) in the document. */
function* walk(node: Json, path: string[] = []): Generator<{ path: string[]; key: string; value: Json }> {
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node)) {
    yield { path, key, value };
    yield* walk(value, [...path, key]);
  }
}

/** Constructs the local engine does not honour, found anywhere in a definition. */
function unsupportedConstructs(def: Json): string[] {
  const problems: string[] = [];
  for (const { path, key, value } of walk(def)) {
    const where = [...path, key].join('.');
    if (key === 'QueryLanguage' && value === 'JSONata') problems.push(`${where}: JSONata is ignored by the local engine`);
    if (key === 'Assign') problems.push(`${where}: Assign makes the local engine fail`);
    if (key === 'HeartbeatSeconds' || key === 'HeartbeatSecondsPath') problems.push(`${where}: heartbeats are ignored by the local engine`);
    if (key === 'ItemReader' || key === 'ItemBatcher' || key === 'ResultWriter') problems.push(`${where}: distributed Map is not supported locally`);
    if ((key === 'Arguments' || key === 'Output') && path.length >= 2 && path[0] === 'States') problems.push(`${where}: JSONata-only field`);
    if (key === 'Resource' && typeof value === 'string' && value.endsWith('.sync')) problems.push(`${where}: .sync integrations are not emulated`);
    if (key === 'Resource' && typeof value === 'string' && value.startsWith('arn:aws:states:::') && !/^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/.test(value)) {
      problems.push(`${where}: only lambda:invoke (optionally .waitForTaskToken) is emulated locally`);
    }
  }
  if (def && typeof def === 'object' && !Array.isArray(def)) {
    for (const [name, s] of Object.entries((def.States ?? {}) as Record<string, Record<string, Json>>)) {
      const resource = typeof s.Resource === 'string' ? s.Resource : '';
      if (resource.endsWith('.waitForTaskToken') && s.TimeoutSeconds === undefined && s.TimeoutSecondsPath === undefined) {
        problems.push(`States.${name}: a callback task needs TimeoutSeconds or TimeoutSecondsPath (the local default is 60 s, AWS 99,999,999 s)`);
      }
      if (typeof s.TimeoutSeconds === 'number' && s.TimeoutSeconds > 2_147_483) problems.push(`States.${name}: TimeoutSeconds overflows the local engine's timer`);
    }
  }
  return problems;
}

describe('statemachines/case-lifecycle.asl.json', () => {
  it('passes asl-validator with the substitutions in place and once substituted', () => {
    for (const def of [definition, substituteLocalArns(definition)]) {
      const result = aslValidator(JSON.parse(JSON.stringify(def)), { checkPaths: true, checkArn: true });
      expect(result.errorsText('\n')).toBe('');
      expect(result.isValid).toBe(true);
    }
  });

  it('uses no construct the in-process engine does not honour', () => {
    expect(unsupportedConstructs(definition)).toEqual([]);
  });

  it('the scan catches each unsupported construct', () => {
    const bad = (mut: (d: { States: Record<string, Record<string, Json>> } & Record<string, Json>) => void) => {
      const d = JSON.parse(JSON.stringify(definition)) as { States: Record<string, Record<string, Json>> } & Record<string, Json>;
      mut(d);
      return unsupportedConstructs(d as unknown as Json);
    };
    expect(bad((d) => (d.QueryLanguage = 'JSONata'))).toHaveLength(1);
    expect(bad((d) => (d.States['Screen Case']!.Assign = { x: 1 }))).toHaveLength(1);
    expect(bad((d) => (d.States['Await Reply']!.HeartbeatSeconds = 60))).toHaveLength(1);
    expect(bad((d) => (d.States['Await Reply']!.HeartbeatSecondsPath = '$.x'))).toHaveLength(1);
    expect(bad((d) => (d.States['Screen Case']!.Resource = 'arn:aws:states:::states:startExecution.sync'))).toHaveLength(2);
    expect(bad((d) => (d.States['Screen Case']!.Arguments = {}))).toHaveLength(1);
    expect(bad((d) => (d.States['Screen Case']!.Output = {}))).toHaveLength(1);
    expect(bad((d) => (d.States['Route By Phase'] = { Type: 'Map', ItemReader: {}, Next: 'Case Closed' }))).toHaveLength(1);
    expect(bad((d) => delete d.States['Await Reply']!.TimeoutSecondsPath)).toHaveLength(1);
  });

  it('invokes every function through a PascalCase ${…FunctionArn} substitution known to the task services', () => {
    const tasks = taskStates(definition as Record<string, unknown>);
    expect(tasks.length).toBeGreaterThan(0);
    for (const t of tasks) {
      expect(t.substitution).toMatch(/^[A-Z][A-Za-z0-9]*FunctionArn$/);
      expect(Object.keys(TASK_FUNCTION_SUBSTITUTIONS)).toContain(t.substitution);
    }
    expect(new Set(tasks.map((t) => t.substitution))).toEqual(new Set(Object.keys(TASK_FUNCTION_SUBSTITUTIONS)));
    const raw = JSON.stringify(definition);
    for (const m of raw.matchAll(/\$\{([^}]*)\}/g)) expect(m[1]).toMatch(/^[A-Z][A-Za-z0-9]*$/);
  });

  it('gives every callback task a timeout that resolves on AWS (state input) and locally (effective Parameters), plus wakeUpAt for the clock', () => {
    const callbacks = taskStates(definition as Record<string, unknown>).filter((t) => t.callback);
    expect(callbacks).toHaveLength(WAITING_PHASES.length);
    for (const t of callbacks) {
      const s = states[t.stateName]!;
      expect(t.timeoutSecondsPath).toMatch(/^\$\.Payload\.[A-Za-z]+$/);
      const field = t.timeoutSecondsPath!.slice('$.Payload.'.length);
      const payload = (s.Parameters as Record<string, Record<string, Json>>).Payload!;
      expect(payload[`${field}.$`]).toBe(t.timeoutSecondsPath);
      expect(payload['wakeUpAt.$']).toBe('$.Payload.wakeUpAt');
      expect(payload['taskToken.$']).toBe('$$.Task.Token');
      const catchers = s.Catch as { ErrorEquals: string[]; Next: string }[];
      expect(catchers[0]!.ErrorEquals).toEqual(['States.Timeout']);
      // A wildcard retrier would also swallow the local engine's timeout error (it matches by name).
      for (const r of (s.Retry ?? []) as { ErrorEquals: string[] }[]) expect(r.ErrorEquals).not.toEqual(expect.arrayContaining(['States.ALL']));
      for (const r of (s.Retry ?? []) as { ErrorEquals: string[] }[]) expect(r.ErrorEquals).not.toEqual(expect.arrayContaining(['States.TaskFailed']));
    }
  });

  it('gives every function (non-callback) task a TimeoutSeconds longer than the Lambda timeout (issue 26: no 60 s local default, no 99,999,999 s on AWS)', () => {
    const functions = taskStates(definition as Record<string, unknown>).filter((t) => !t.callback);
    expect(functions.length).toBeGreaterThanOrEqual(6);
    expect(TASK_STATE_TIMEOUT_SECONDS).toBeGreaterThan(TASK_FUNCTION_TIMEOUT_SECONDS);
    expect(functions.map((t) => [t.stateName, t.timeoutSeconds, t.timeoutSecondsPath])).toEqual(functions.map((t) => [t.stateName, TASK_STATE_TIMEOUT_SECONDS, undefined]));
  });

  it('has a Title Case name for every state, a resumeFrom Choice at the top, and a Catch on every Task', () => {
    expect(definition.StartAt).toBe('Choose Starting Point');
    expect(JSON.stringify(states['Choose Starting Point'])).toContain('$.resumeFrom');
    for (const [name, s] of Object.entries(states)) {
      expect(name).toMatch(/^([A-Z][a-z]*(-[A-Z][a-z]*)?)( [A-Z][a-z]*(-[A-Z][a-z]*)?)*$/);
      if (s.Type === 'Task') expect((s.Catch as { ErrorEquals: string[] }[]).some((c) => c.ErrorEquals.includes('States.ALL'))).toBe(true);
    }
    for (const phase of WAITING_PHASES) {
      expect(JSON.stringify(states['Route By Phase'])).toContain(`"StringEquals":"${phase}"`);
    }
    expect(LIFECYCLE_ASL_PATH).toMatch(/statemachines\/case-lifecycle\.asl\.json$/);
  });
});
