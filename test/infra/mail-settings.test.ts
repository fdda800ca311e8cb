/**
 * One mail configuration for every sender of a stack: each function that may send (the API, the mail intakes, the
 * life-cycle tasks, the quarterly report) gets the same Reply-To and, with SES, the same configuration set, from
 * the Mail construct's grantSend (infra/constructs/mail.ts). A sender without them is how deployments drifted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadJurisdiction } from '../../shared/config/load';
import { resourcesOf, synthJurisdiction } from './synth';
import type { Synthesized } from './synth';

const CODE = '510903';
let s: Synthesized;

beforeAll(() => {
  const deployDir = mkdtempSync(join(tmpdir(), 'tousu-deploy-'));
  writeFileSync(join(deployDir, `${CODE}.json`), JSON.stringify({ sending: { mode: 'ses', configurationSetName: 'tousu-510903' } }));
  s = synthJurisdiction(CODE, { deployDir });
}, 240_000);

test('every function that sends mail has the configuration set and the jurisdiction Reply-To', () => {
  const senders = resourcesOf(s.json, 'AWS::Lambda::Function')
    .map(([id, r]) => [id, (r.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}] as const)
    .filter(([, env]) => env.MAIL_MODE !== undefined);
  const ids = senders.map(([id]) => id).join(' ');
  // The API, both mail intakes' acknowledgement path and the life-cycle tasks are among them.
  expect(ids).toMatch(/Api/);
  expect(ids).toMatch(/EmailIntake/);
  expect(senders.length).toBeGreaterThanOrEqual(5);
  const replyTo = loadJurisdiction(CODE).mail.replyTo;
  for (const [id, env] of senders) {
    expect([id, env.SES_CONFIGURATION_SET, env.MAIL_REPLY_TO]).toEqual([id, 'tousu-510903', replyTo]);
  }
});
