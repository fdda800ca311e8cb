/**
 * Routing (issue 15).
 * 1. Accuracy on the labelled routing set (test/fixtures/routing/labelled-set.ts, ≥ 300 intakes) per kind, beside
 *    the baseline "name and alias match only" (what intake did before: the earliest local name or alias in the
 *    text, no jurisdiction, no service, no place). Right = the decision (top candidate) is the labelled unit or
 *    jurisdiction (for QUEUE: the decision is not confident). Confidently wrong local department = a confident
 *    decision for a local department that is not the labelled one (the baseline is always "confident").
 * 2. Cost: intakes submitted through the real intake core on DynamoCaseStore over dynalite, every DynamoDB
 *    command counted by a middleware, with the shipped catalogue and with a 2,000-item catalogue; and the time of
 *    `route` alone per intake with each.
 * Standalone: `npx tsx bench/routing.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { ensureTable, localDynamoClient, startDynalite } from '../infra/local/dynalite';
import { composeEmbedded } from '../infra/local/composition';
import { MemoryMailSender } from '../shared/adapters/memory/mail-sender';
import { SfnWorkflow } from '../shared/adapters/aws/sfn-workflow';
import { allJurisdictions, loadCatalogue, routingIndexFor } from '../shared/config/catalogue';
import { loadJurisdiction } from '../shared/config/load';
import { buildRoutingIndex, route, routeByNameOnly, ServiceCatalogue } from '../shared/domain/routing';
import type { RoutingDecision, RoutingIndex } from '../shared/domain/routing';
import { routingInputOf } from '../shared/domain/routing/intake';
import { submitIntake } from '../shared/intake/core';
import type { IntakeDeps } from '../shared/intake/core';
import { HELD_OUT_SET, ROUTING_KIND_NAMES, ROUTING_KINDS, ROUTING_SET } from '../test/fixtures/routing/labelled-set';
import type { RoutingCase } from '../test/fixtures/routing/labelled-set';
import { synthetic } from './routing/catalogue-source';

const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);

export function outcomeOf(d: RoutingDecision): string {
  if (d.kind === 'department') return `D:${d.department}`;
  if (d.kind === 'other_jurisdiction') return `J:${d.jurisdiction?.code ?? d.jurisdiction?.name}`;
  if (d.kind === 'not_government') return 'NG';
  return 'QUEUE';
}

export function isRight(c: RoutingCase, d: RoutingDecision): boolean {
  return c.expect === 'QUEUE' ? !d.confident : outcomeOf(d) === c.expect;
}

export interface KindScore {
  n: number;
  right: number;
  rightConfident: number;
  queued: number;
  wrongLocalConfident: number;
  baselineRight: number;
  baselineWrongLocal: number;
  misses: string[];
}

export function score(set: readonly RoutingCase[]): { byKind: Map<string, KindScore>; total: KindScore } {
  const byKind = new Map<string, KindScore>();
  const total: KindScore = { n: 0, right: 0, rightConfident: 0, queued: 0, wrongLocalConfident: 0, baselineRight: 0, baselineWrongLocal: 0, misses: [] };
  const at = '2026-03-02T01:00:00.000Z';
  const configs = new Map<string, ReturnType<typeof loadJurisdiction>>();
  for (const c of set) {
    let j = configs.get(c.deployment);
    if (!j) configs.set(c.deployment, (j = loadJurisdiction(c.deployment)));
    const d = route(routingInputOf(c.intake), routingIndexFor(j), at);
    const s = byKind.get(c.kind) ?? { n: 0, right: 0, rightConfident: 0, queued: 0, wrongLocalConfident: 0, baselineRight: 0, baselineWrongLocal: 0, misses: [] };
    const right = isRight(c, d);
    const base = routeByNameOnly([c.intake.respondent.unit, c.intake.respondent.person, c.intake.matter].filter(Boolean).join('\n'), j.departments);
    const baseRight = c.expect === 'QUEUE' ? base === undefined : base !== undefined && `D:${base}` === c.expect;
    for (const x of [s, total]) {
      x.n++;
      if (right) x.right++;
      if (right && d.confident) x.rightConfident++;
      if (!d.confident) x.queued++;
      if (d.confident && d.kind === 'department' && !right) x.wrongLocalConfident++;
      if (baseRight) x.baselineRight++;
      if (base !== undefined && !baseRight) x.baselineWrongLocal++;
    }
    if (!right) s.misses.push(`${c.id} ${c.expect} → ${outcomeOf(d)}${d.confident ? '' : '(queue)'}「${c.intake.matter.slice(0, 30)}」`);
    byKind.set(c.kind, s);
  }
  return { byKind, total };
}

async function cost(results: Record<string, number | string>): Promise<void> {
  const j = loadJurisdiction('510903');
  const dynalite = await startDynalite();
  const client = localDynamoClient(dynalite);
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  const sfnClient = new SFNClient({ region: 'ap-east-1' });
  const sfn = mockClient(sfnClient);
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:ap-east-1:1:execution:x:y', startDate: new Date() });
  const intakes = ROUTING_SET.filter((c) => c.deployment === '510903').slice(0, 200);
  const shipped = loadCatalogue(j)!;
  const big = ServiceCatalogue.parse(synthetic(j, 2000));
  const variants: [string, RoutingIndex][] = [
    [`shipped catalogue (${shipped.items.length} items)`, buildRoutingIndex(j, allJurisdictions(), shipped)],
    ['2,000-item catalogue', buildRoutingIndex(j, allJurisdictions(), big)],
  ];
  try {
    for (const [label, index] of variants) {
      const tableName = `route${Math.random().toString(36).slice(2, 8)}`;
      await ensureTable(client, tableName);
      // The intake core's ports from the embedded composition root on the DynamoDB adapters (no duplicate matching,
      // no evaluation facts: what this bench counts is routing's reads), with the routing index under test.
      const composed = await composeEmbedded({
        jurisdiction: '510903',
        dynamo: { client, tableName },
        asDeployed: false,
        clock: { now: () => new Date('2026-03-02T09:30:00+08:00') },
        mail: new MemoryMailSender(),
        logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      });
      const deps: IntakeDeps = { ...composed.intakeDeps(new SfnWorkflow(sfnClient, 'arn:aws:states:ap-east-1:123456789012:stateMachine:CaseLifecycle')), routing: index };
      commands.length = 0;
      for (const c of intakes) await submitIntake(deps, { ...c.intake, sourceKey: `${c.intake.sourceKey}:${tableName}` });
      const reads = commands.filter((x) => /^(GetItem|BatchGetItem|Query|Scan)Command$/.test(x)).length;
      results[`${label}: DynamoDB reads per intake`] = Math.round((reads / intakes.length) * 1000) / 1000;
      results[`${label}: DynamoDB commands per intake (all)`] = Math.round((commands.length / intakes.length) * 1000) / 1000;
      const t0 = performance.now();
      const rounds = 20;
      for (let r = 0; r < rounds; r++) for (const c of intakes) route(routingInputOf(c.intake), index, '2026-03-02T01:00:00.000Z');
      results[`${label}: route() µs per intake`] = Math.round(((performance.now() - t0) * 1000) / (rounds * intakes.length));
      const b0 = performance.now();
      buildRoutingIndex(j, allJurisdictions(), label.startsWith('2,000') ? big : shipped);
      results[`${label}: index build ms (once per container)`] = Math.round((performance.now() - b0) * 10) / 10;
    }
  } finally {
    sfn.restore();
    client.destroy();
    await dynalite.close();
  }
}

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes?: string }> {
  const results: Record<string, number | string> = {};
  const { byKind, total } = score(ROUTING_SET);
  results['labelled intakes'] = total.n;
  for (const kind of ROUTING_KINDS) {
    const s = byKind.get(kind);
    if (!s) continue;
    results[`${ROUTING_KIND_NAMES[kind]} (${s.n}): right / confident wrong local / to queue`] = `${pct(s.right, s.n)} / ${pct(s.wrongLocalConfident, s.n)} / ${pct(s.queued, s.n)}`;
    results[`${ROUTING_KIND_NAMES[kind]} (${s.n}): baseline right / wrong local`] = `${pct(s.baselineRight, s.n)} / ${pct(s.baselineWrongLocal, s.n)}`;
  }
  results['all: right (target ≥ 95%)'] = pct(total.right, total.n);
  results['all: right and confident (dispatched without a person)'] = pct(total.rightConfident, total.n);
  results['all: confidently wrong local department (target ≤ 1%)'] = `${pct(total.wrongLocalConfident, total.n)} (${total.wrongLocalConfident})`;
  results['all: to the dispatch queue'] = pct(total.queued, total.n);
  results['baseline (name and alias match only): right'] = pct(total.baselineRight, total.n);
  results['baseline: wrong local department (always confident)'] = `${pct(total.baselineWrongLocal, total.n)} (${total.baselineWrongLocal})`;
  const held = score(HELD_OUT_SET).total;
  results[`held-out set (${held.n}, not tuned on): right / confident wrong local / to queue`] =
    `${pct(held.right, held.n)} / ${pct(held.wrongLocalConfident, held.n)} (${held.wrongLocalConfident}) / ${pct(held.queued, held.n)}`;
  results['held-out set: baseline right / wrong local'] = `${pct(held.baselineRight, held.n)} / ${pct(held.baselineWrongLocal, held.n)}`;
  await cost(results);
  const misses = [...byKind.values()].flatMap((s) => s.misses);
  const heldMisses = [...score(HELD_OUT_SET).byKind.values()].flatMap((s) => s.misses);
  if (heldMisses.length) console.log(`held-out misses (${heldMisses.length}):\n  ${heldMisses.join('\n  ')}`);
  if (misses.length) console.log(`misses (${misses.length}):\n  ${misses.join('\n  ')}`);
  return {
    name: 'Routing (issue 15)',
    results,
    notes:
      'Right = the decision names the labelled department or jurisdiction (QUEUE cases: the decision is not confident). ' +
      'Baseline = the earliest local name or alias in the text (intake before routing). ' +
      'The set was used to tune the catalogue and the rules: its first run gave 97.8% right and 0.6% (2) confidently wrong local department; ' +
      'the held-out set was written afterwards and is not tuned on, so its figure is the honest one. ' +
      'Reads per intake count every GetItem/BatchGetItem/Query/Scan the intake core sends (duplicate matching not wired in this bench); routing reads nothing, with 70 or 2,000 items. ' +
      `Misses on this run: ${misses.length ? misses.join('；') : 'none'}. Held-out misses: ${heldMisses.length ? heldMisses.join('；') : 'none'}.`,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  console.table(r.results);
}
