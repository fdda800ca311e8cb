/**
 * `tousu reconcile` and `tousu dead-letters list|replay` on a stopped embedded runtime's data directory: a stale
 * claim and a parked intake are found, replayed into one case, and the listing never prints the content.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import { dataPaths, TABLE_NAME } from '../../infra/local/runtime';
import { registerReconcile } from '../../infra/cli/commands/reconcile';
import { registerDeadLetters } from '../../infra/cli/commands/dead-letters';
import { DynamoCaseStore } from '../../shared/adapters/aws/dynamo-case-store';
import { deadLetterId } from '../../shared/services/dead-letters';
import { DynamoDeadLetterStore } from '../../shared/adapters/aws/dynamo-dead-letter-store';
import { canonicalWebIntake, PEOPLE } from './helpers';

async function run(args: string[]): Promise<{ out: string; code: number }> {
  const program = new Command('tousu').exitOverride();
  program.command('dead-letters').description('the SMTP-only group of start.ts, superseded');
  registerReconcile(program);
  registerDeadLetters(program);
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((c: string | Uint8Array) => (chunks.push(String(c)), true)) as typeof process.stdout.write;
  process.exitCode = undefined;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = undefined;
  return { out: chunks.join(''), code };
}

test('reconcile finds a stale claim with a parked intake and replays it; dead-letters lists without content', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tousu-cli-'));
  const paths = dataPaths(dir);
  await mkdir(paths.root, { recursive: true });
  await writeFile(paths.instance, JSON.stringify({ jurisdiction: '510903', createdAt: new Date().toISOString() }));
  const person = PEOPLE[3]!;
  const intake = canonicalWebIntake('web:cli-test-0001', person);
  const id = deadLetterId('intake', intake.sourceKey);
  {
    const d = await startDynalite({ path: paths.dynamodb });
    const client = localDynamoClient(d);
    await ensureTable(client, TABLE_NAME);
    const doc = documentClient(client);
    await new DynamoCaseStore({ doc, tableName: TABLE_NAME }).claimSource(intake.sourceKey, '2026-03-02T01:30:00.000Z');
    await new DynamoDeadLetterStore(doc, TABLE_NAME).record({
      id,
      kind: 'intake',
      jurisdiction: '510903',
      sourceKey: intake.sourceKey,
      channel: 'web',
      firstFailedAt: '2026-03-02T01:30:00.000Z',
      at: '2026-03-02T01:30:00.000Z',
      error: { name: 'ProvisionedThroughputExceededException' },
      payload: intake,
    });
    client.destroy();
    await d.close();
  }
  try {
    const listed = await run(['dead-letters', 'list', '--data-dir', dir]);
    expect(listed.out).toContain(id);
    expect(listed.out).toContain('ProvisionedThroughputExceededException');
    expect(listed.out).not.toContain(person.name);
    expect(listed.out).not.toContain(person.phone);

    const rec = await run(['reconcile', '--data-dir', dir, '--json']);
    const report = JSON.parse(rec.out) as { findings: { kind: string; action: string; replayedInto?: string }[] };
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'orphan_claim', action: 'replayed', replayedInto: expect.stringMatching(/^510903-20260302-\d{4}$/) })]);

    const again = await run(['dead-letters', 'replay', id, '--data-dir', dir]);
    expect(again.out).toContain(`已立案 ${report.findings[0]!.replayedInto}`);
    expect((await run(['dead-letters', 'list', '--data-dir', dir])).out).toContain('没有死信');
    expect((await run(['reconcile', '--data-dir', dir])).code).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
