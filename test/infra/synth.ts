/**
 * One synthesis per test file (bundling every function with esbuild takes seconds): build the app the way
 * infra/app.ts does, with cdk-nag's AwsSolutions pack, into a temporary cloud assembly.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDeployment, stackNameFor } from '../../infra/config';
import type { LoadOptions } from '../../infra/config';
import { JurisdictionStack } from '../../infra/stacks/jurisdiction-stack';

export interface Synthesized {
  stack: JurisdictionStack;
  template: Template;
  json: Record<string, unknown> & { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }> };
  outdir: string;
  /** cdk-nag violations left after the acknowledgments (validation-report.json), empty when none. */
  nagViolations: { ruleName: string; paths: string[] }[];
  seconds: number;
}

export function synthJurisdiction(code: string, opts: LoadOptions & { deployDir?: string } = {}): Synthesized {
  const started = Date.now();
  const outdir = mkdtempSync(join(tmpdir(), 'tousu-cdk-'));
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const deployment = loadDeployment(code, opts);
  const { deploy } = deployment;
  const stack = new JurisdictionStack(app, stackNameFor(code), {
    deployment,
    ...(deploy.region ? { env: { region: deploy.region, ...(deploy.account ? { account: deploy.account } : {}) } } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: false }));
  let nagViolations: Synthesized['nagViolations'] = [];
  try {
    app.synth();
  } catch (err) {
    // Policy validation failures throw after writing the report; read it below.
    if (!existsSync(join(outdir, 'validation-report.json'))) throw err;
  }
  const reportFile = join(outdir, 'validation-report.json');
  if (existsSync(reportFile)) {
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      pluginReports: { violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[] }[];
    };
    nagViolations = report.pluginReports.flatMap((p) =>
      p.violations.filter((v) => v.severity === 'error').map((v) => ({ ruleName: v.ruleName, paths: v.violatingConstructs.map((c) => c.constructPath) })),
    );
  }
  const json = JSON.parse(readFileSync(join(outdir, `${stack.stackName}.template.json`), 'utf8')) as Synthesized['json'];
  return { stack, template: Template.fromJSON(json), json, outdir, nagViolations, seconds: (Date.now() - started) / 1000 };
}

/** Resources of one type, by logical id. */
export function resourcesOf(json: Synthesized['json'], type: string): [string, Record<string, unknown>][] {
  return Object.entries(json.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

/** The template with asset hashes and bundle-dependent values replaced, for a stable snapshot. */
export function scrubbed(json: unknown): unknown {
  return JSON.parse(
    JSON.stringify(json)
      .replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '<asset-hash>$1')
      .replace(/"aws:asset:path":"[^"]*"/g, '"aws:asset:path":"<asset>"'),
  );
}
