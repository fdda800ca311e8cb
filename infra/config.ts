/**
 * Deployment options of one jurisdiction on AWS, validated with zod at synth (STYLE rule 5). They live beside
 * the jurisdiction file as `config/deploy/<code>.json`; a jurisdiction without one deploys with the defaults
 * (SES receiving and sending, archive retention of 30 years, no alarm e-mail). Pure apart from reading the file:
 * the app entry (infra/app.ts) is the only place that reads process.env or CDK context.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { listJurisdictions, loadJurisdiction } from '../shared/config/load';
import type { JurisdictionConfig } from '../shared/domain/jurisdiction';
import { HttpLimits } from '../functions/api/limits';
import { HandoverDeployConfig } from '../shared/domain/handover';
import { WorkOrderOutboundDeployConfig } from '../shared/services/workorder-outbound';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DEPLOY_DIR = join(REPO_ROOT, 'config/deploy');

/**
 * Regions where SES email receiving exists (inbound-smtp.<region>.amazonaws.com), per the SES endpoints page of
 * the AWS General Reference. Conservative on purpose: a region missing here fails synth with a clear message;
 * add a region once AWS lists an inbound endpoint for it. No AWS China region has SES at all.
 */
export const SES_RECEIVING_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;

/** The AWS China partition: no SES (neither sending nor receiving). */
export const isChinaRegion = (region: string): boolean => region.startsWith('cn-');

/** The largest public form request a Lambda behind API Gateway can take (6 MB payload, base64 +33 %). */
export const AWS_MAX_FORM_BYTES = 4.5 * 1024 * 1024;

/** Log retention choices CloudWatch accepts (days). */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const secretName = z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'Secrets Manager secret name');

export const SesIntake = z.object({
  mode: z.literal('ses'),
  /**
   * Name of the receipt rule set this stack creates. SES has ONE active rule set per account and region:
   * activate it after deploy (README "Deploy on AWS"), or add the stack's rule to the active set by hand.
   */
  ruleSetName: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
});

export const ImapIntake = z.object({
  mode: z.literal('imap'),
  host: z.string().min(1),
  port: z.number().int().positive().default(993),
  user: z.string().min(1),
  mailbox: z.string().min(1).default('INBOX'),
  /** Existing secret (created by the administrator before deploy) whose JSON has a `password` field. */
  secretName,
  /** Poll interval in minutes (EventBridge schedule). */
  everyMinutes: z.number().int().min(1).max(60).default(5),
  maxMessages: z.number().int().positive().default(100),
});

export const SesSending = z.object({
  mode: z.literal('ses'),
  /** Optional SES configuration set (event publishing, dedicated IPs). */
  configurationSetName: z.string().min(1).optional(),
});

export const SmtpSending = z.object({
  mode: z.literal('smtp'),
  host: z.string().min(1),
  port: z.number().int().positive().default(465),
  /** Existing secret whose JSON has `username` and `password`. */
  secretName,
});

export const DeployConfig = z.object({
  /** Target region; when absent the stack is environment-agnostic (region chosen by the CLI profile at deploy). */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'AWS region, e.g. us-east-1')
    .optional(),
  account: z
    .string()
    .regex(/^\d{12}$/, '12-digit AWS account id')
    .optional(),
  intake: z.discriminatedUnion('mode', [SesIntake, ImapIntake]).default({ mode: 'ses' }),
  sending: z.discriminatedUnion('mode', [SesSending, SmtpSending]).default({ mode: 'ses' }),
  archive: z
    .object({
      /** Object Lock default retention of the archive bucket (art. 18 case files). */
      retentionYears: z.number().int().min(1).max(100).default(30),
      /** GOVERNANCE lets an administrator with s3:BypassGovernanceRetention correct a mistake; COMPLIANCE never. */
      lockMode: z.enum(['GOVERNANCE', 'COMPLIANCE']).default('GOVERNANCE'),
    })
    .default({ retentionYears: 30, lockMode: 'GOVERNANCE' }),
  /** Subscribed to the alarm topic (confirm the subscription mail after deploy). */
  alarmEmail: z.email().optional(),
  logRetentionDays: z
    .number()
    .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), `one of ${LOG_RETENTION_DAYS.join(', ')}`)
    .default(365),
  api: z
    .object({
      /** Steady requests per second and burst on the public routes (form, status look-up), per stage. */
      publicRateLimit: z.number().positive().default(10),
      publicBurstLimit: z.number().int().positive().default(20),
      staffRateLimit: z.number().positive().default(50),
      staffBurstLimit: z.number().int().positive().default(100),
      /**
       * The API Lambda's own abuse limits (functions/api/limits.ts; docs/limits.md): per-address rates, guessing
       * back-offs, body sizes, trusted proxies. Per container, behind the stage throttling above.
       */
      limits: HttpLimits.optional(),
    })
    .default({ publicRateLimit: 10, publicBurstLimit: 20, staffRateLimit: 50, staffBurstLimit: 100 }),
  /**
   * Signed hand-overs to and from other jurisdictions' stacks (issue 15, docs/ROUTING.md "Pairing two stacks"):
   * the peers (jurisdiction, the other stack's `<ApiUrl>api/handover`, key ids, signWith), the Secrets Manager
   * secret holding the keys (created before deploy), and the tries per send. Absent: no hand-over, no route.
   */
  handover: HandoverDeployConfig.optional(),
  /**
   * The 12345 platform's webhook for work-order reports (art. 7(2), docs/workorder-outbound.md): its URL, the
   * Secrets Manager secret holding the shared signing secret (created before deploy), timeout and retry policy.
   * Absent: work-order cases are not marked and nothing is reported.
   */
  workOrderOutbound: WorkOrderOutboundDeployConfig.optional(),
  /** Public status page URL put into acknowledgements (defaults to the API's /status). */
  statusUrl: z.url().optional(),
});
export type DeployConfig = z.infer<typeof DeployConfig>;
export type DeployConfigInput = z.input<typeof DeployConfig>;

export class DeployConfigError extends Error {
  override readonly name = 'DeployConfigError';
}

/** Everything a jurisdiction stack needs: the validated jurisdiction and its deployment options. */
export interface Deployment {
  jurisdiction: JurisdictionConfig;
  deploy: DeployConfig;
}

/** Cross-field rules zod alone cannot express: mail modes against the region. Throws with a plain message. */
export function checkMailRegion(code: string, deploy: DeployConfig): void {
  const region = deploy.region;
  if (region === undefined) return; // environment-agnostic: a CloudFormation rule checks the region at deploy
  if (deploy.intake.mode === 'ses' && !(SES_RECEIVING_REGIONS as readonly string[]).includes(region)) {
    throw new DeployConfigError(
      `jurisdiction ${code}: intake mode "ses" needs SES email receiving, which region ${region} does not offer ` +
        `(SES receiving regions: ${SES_RECEIVING_REGIONS.join(', ')}${isChinaRegion(region) ? '; the AWS China regions have no SES at all' : ''}). ` +
        `Set "intake": {"mode": "imap", …} in config/deploy/${code}.json or deploy to a receiving region.`,
    );
  }
  if (deploy.sending.mode === 'ses' && isChinaRegion(region)) {
    throw new DeployConfigError(
      `jurisdiction ${code}: sending mode "ses" is not available in ${region} (no SES in the AWS China regions). ` + `Set "sending": {"mode": "smtp", …} in config/deploy/${code}.json.`,
    );
  }
}

/** Parses and checks one deployment config object. */
export function parseDeployConfig(code: string, raw: unknown, overrides: { region?: string; account?: string } = {}): DeployConfig {
  const result = DeployConfig.safeParse(raw ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DeployConfigError(`config/deploy/${code}.json is invalid:\n${lines.join('\n')}`);
  }
  const deploy: DeployConfig = {
    ...result.data,
    ...(overrides.region ? { region: overrides.region } : {}),
    ...(overrides.account ? { account: overrides.account } : {}),
  };
  checkMailRegion(code, deploy);
  // API Gateway hands the Lambda at most 6 MB, and a multipart body arrives base64-encoded (+33 %).
  const evidence = deploy.api.limits?.sizes.evidence;
  if (evidence && evidence.maxRequestBytes > AWS_MAX_FORM_BYTES) {
    throw new DeployConfigError(
      `config/deploy/${code}.json is invalid:\n  api.limits.sizes.evidence.maxRequestBytes: 在 AWS 上整个表单请求不能超过 ${AWS_MAX_FORM_BYTES} 字节（Lambda 请求上限 6 MB，上传内容经 base64 编码增大约三分之一）`,
    );
  }
  const self = deploy.handover?.peers.findIndex((p) => p.jurisdiction === code) ?? -1;
  if (self >= 0) throw new DeployConfigError(`config/deploy/${code}.json is invalid:\n  handover.peers.${self}.jurisdiction: a stack does not hand over to itself (${code})`);
  return deploy;
}

export interface LoadOptions {
  jurisdictionDir?: string;
  deployDir?: string;
  region?: string;
  account?: string;
}

/** The jurisdiction (validated by the shared loader) and its deployment options (file optional). */
export function loadDeployment(code: string, opts: LoadOptions = {}): Deployment {
  const jurisdiction = loadJurisdiction(code, opts.jurisdictionDir ? { dir: opts.jurisdictionDir } : {});
  const file = join(opts.deployDir ?? DEFAULT_DEPLOY_DIR, `${code}.json`);
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new DeployConfigError(`${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { jurisdiction, deploy: parseDeployConfig(code, raw, opts) };
}

/** Codes of every shipped jurisdiction (config/jurisdictions/*.json). */
export function shippedJurisdictionCodes(dir?: string): string[] {
  return listJurisdictions(dir).map((j) => j.code);
}

/** CloudFormation stack name of a jurisdiction: `Tousu-510903`, `Tousu-510900-JK`. */
export const stackNameFor = (code: string): string => `Tousu-${code}`;
