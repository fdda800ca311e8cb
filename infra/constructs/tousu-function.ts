/**
 * The one Lambda function class (STYLE rule 6): nodejs22.x on arm64, ESM with a createRequire banner, minified,
 * source maps, X-Ray tracing, its own KMS-encrypted log group with a retention, and its own role that can write
 * to that log group only (no AWS managed policy). Bundled by esbuild in process (./bundle-function.ts; never
 * Docker): a `lambda.Function` with a local-bundling asset rather than a NodejsFunction, because NodejsFunction
 * bundles to one file (`--outfile`) and the bundles need esbuild's code splitting (`--splitting --outdir`).
 *
 * Run-time data. The loaders find their files relative to the module (`../../config/...` from shared/config and
 * shared/calendar; `chinese-days/dist/chinese-days.json` through createRequire). The bundler rebuilds that
 * layout inside the asset:
 *
 *   /var/task/functions/<name>/index.mjs (+ .map)          the entry, two levels below the root, so that
 *   /var/task/functions/<name>/chunks/*.mjs (+ .map)       (its chunks)
 *   /var/task/config/{jurisdictions,rules,calendar}/       `../../config` from the bundle lands here
 *   /var/task/node_modules/chinese-days/{package.json,dist/chinese-days.json}
 *
 * and the handler is `functions/<name>/index.handler`. Every loader's default path then works unchanged on
 * Lambda, as in the repository. Calendar year files and rules versions added by an administrator reach Lambda
 * with the next `cdk deploy` (the asset hash is the hash of the bundler's output).
 *
 * Bundle size (issue 11, docs/BENCHMARKS.md "Lambda bundles"; target ≤ 500 KB loaded at init, ≤ 150 ms init):
 * - Code splitting. What a cold start loads is the entry and the chunks it imports statically; code reached only
 *   through `await import()` is a chunk loaded when that path first runs. The AWS SDK already imports its
 *   credential providers that way (SSO, INI, process, web identity, IMDS and their nested SSO/STS/sign-in
 *   clients: ~120 KB); on Lambda the environment credentials answer first, so those chunks never load. Our own
 *   lazy path: the mail sender (nodemailer, SES v2 and Secrets Manager clients, ~300 KB) loads on the first
 *   send (shared/adapters/aws/lazy-mail-sender.ts), the mail settings are still checked at cold start; the API's
   staff side (Cognito, cases, console, reports, administration) loads on the first staff request
   (functions/api/lazy-routes.ts).
 * - iconv-lite's charset tables stay JSON files beside the code instead of JavaScript inside it (mail functions).
 * - `import * as z from 'zod'` (eslint enforces it in shared/ and functions/), each entry importing only what it
 *   uses (e.g. only archive-case carries the S3 client of the life-cycle tasks).
 * - The AWS SDK stays bundled, not taken from the runtime: nodejs22.x ships an SDK v3 of a version Lambda
 *   chooses and updates on its own; with `@aws-sdk/*` and `@smithy/*` external, module initialisation measured
 *   2–4 × slower (300–700 ms: the SDK is then resolved and read file by file from node_modules), and the SDK
 *   that runs would not be the one the tests ran. Its core (~180 KB of @smithy/core and @aws-sdk/core) plus zod
 *   (~100 KB) is the floor of every function; functions that read S3 on every invocation (the box, letter and
 *   work-order intakes, archive-case) and the API and mail functions stay above 500 KB (see the benchmark).
 * Source maps are separate files (`*.mjs.map`); the size target counts JavaScript only.
 */
import { AssetHashType, DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../config';
import { bundleFunction } from './bundle-function';

export { ESM_REQUIRE_BANNER, RUNTIME_DATA } from './bundle-function';

/** The CloudWatch namespace of a jurisdiction's metrics (Powertools Metrics on every function, the alarms of observability.ts). */
export const metricsNamespace = (jurisdictionCode: string): string => `Tousu/${jurisdictionCode}`;

/** A function's environment as CDK passes it: every variable of its zod env schema, as a string. */
export type EnvVars<T> = { [K in keyof T]: string };

export interface TousuFunctionProps<Env> {
  /** Folder-like name, also the location of the bundle in the asset: `functions/<name>/index.mjs`. */
  name: string;
  /** Entry file relative to the repository root, e.g. `functions/api/index.ts`. */
  entry: string;
  environment: EnvVars<Env>;
  description: string;
  logKey: kms.IKey;
  logRetentionDays: number;
  memorySize?: number;
  timeout?: Duration;
}

export class TousuFunction<Env = Record<string, string>> extends lambda.Function {
  /** The function's own KMS-encrypted log group (also `logGroup`). */
  readonly functionLogGroup: logs.LogGroup;
  readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: TousuFunctionProps<Env>) {
    const entry = join(REPO_ROOT, props.entry);
    const jurisdiction = (props.environment as Record<string, string | undefined>).JURISDICTION;
    if (!existsSync(entry)) throw new Error(`TousuFunction ${id}: entry ${props.entry} does not exist`);
    if (!/^[a-z0-9-]+$/.test(props.name)) throw new Error(`TousuFunction ${id}: name must be kebab-case, got ${props.name}`);
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetentionDays as logs.RetentionDays,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `tousu ${props.name}: its own log group, plus explicit grants`,
    });
    super(scope, id, {
      // Local bundling only (bundleFunction: esbuild in process); the image is required by the type, never pulled.
      code: lambda.Code.fromAsset(REPO_ROOT, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          image: DockerImage.fromRegistry('tousu/local-bundling-only'),
          // Never run; it names the function, so that CDK's asset cache (keyed by these options, not by the
          // local bundler) tells the functions apart.
          command: ['bundle', props.entry, props.name],
          local: {
            tryBundle(outputDir: string): boolean {
              bundleFunction(props.entry, props.name, outputDir);
              return true;
            },
          },
        },
      }),
      handler: `functions/${props.name}/index.handler`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        ...(props.environment as Record<string, string>),
        // Powertools Metrics' namespace (shared/composition/aws-lambda.ts): `Tousu/<code>`, where the alarms look.
        ...(jurisdiction ? { POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(jurisdiction) } : {}),
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    this.functionLogGroup = logGroup;
    this.executionRole = role;
    logGroup.grantWrite(role);
  }
}
