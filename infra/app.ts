/**
 * CDK app entry: the only place that reads process.env or CDK context (STYLE rule 5).
 *
 *   npx cdk synth -c jurisdiction=510903            one jurisdiction
 *   npx cdk synth --all  (npm run synth)            every shipped jurisdiction (config/jurisdictions/*.json)
 *   -c region=us-east-1 -c account=123456789012     pin the environment (otherwise from config/deploy/<code>.json,
 *                                                   or environment-agnostic: no lookups ever)
 *
 * cdk-nag's AwsSolutions pack runs on every stack; an unsuppressed error fails the synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadDeployment, shippedJurisdictionCodes, stackNameFor } from './config';
import { JurisdictionStack } from './stacks/jurisdiction-stack';

const app = new App();
const ctx = (key: string): string | undefined => {
  const v: unknown = app.node.tryGetContext(key);
  return typeof v === 'string' && v.length > 0 ? v : undefined;
};

const requested = ctx('jurisdiction') ?? process.env.TOUSU_JURISDICTION;
const codes = requested ? requested.split(',').map((c) => c.trim()) : shippedJurisdictionCodes();
const region = ctx('region');
const account = ctx('account');

for (const code of codes) {
  const deployment = loadDeployment(code, { ...(region ? { region } : {}), ...(account ? { account } : {}) });
  const { deploy } = deployment;
  new JurisdictionStack(app, stackNameFor(code), {
    deployment,
    ...(deploy.region || deploy.account ? { env: { ...(deploy.region ? { region: deploy.region } : {}), ...(deploy.account ? { account: deploy.account } : {}) } } : {}),
  });
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
