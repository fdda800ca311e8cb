/**
 * The one NodejsFunction subclass (STYLE rule 6): nodejs22.x on arm64, ESM with a createRequire banner, minified,
 * source maps, X-Ray tracing, its own KMS-encrypted log group with a retention, and its own role that can write
 * to that log group only (no AWS managed policy). Bundled by the local esbuild (never Docker).
 *
 * Run-time data. The loaders find their files relative to the module (`../../config/...` from shared/config and
 * shared/calendar; `chinese-days/dist/chinese-days.json` through createRequire). A bundle is one file, so the
 * afterBundling hook rebuilds that layout inside the asset:
 *
 *   /var/task/functions/<name>/index.mjs (+ .map)          the bundle, two levels below the root, so that
 *   /var/task/config/{jurisdictions,rules,calendar}/       `../../config` from the bundle lands here
 *   /var/task/node_modules/chinese-days/{package.json,dist/chinese-days.json}
 *
 * and the handler is `functions/<name>/index.handler`. Every loader's default path then works unchanged on
 * Lambda, as in the repository. Calendar year files and rules versions added by an administrator reach Lambda
 * with the next `cdk deploy` (the asset hash changes with them).
 *
 * The AWS SDK is bundled, not taken from the runtime (decision of issue 11, docs/BENCHMARKS.md "Lambda bundles").
 * nodejs22.x ships an AWS SDK for JavaScript v3, but of a version Lambda chooses and updates on its own; with
 * `@aws-sdk/*` and `@smithy/*` external the code files would fall to 116–670 KB (mail functions excepted), yet
 * module initialisation measured 2–4 × slower (300–700 ms instead of 50–140 ms: the SDK is then resolved and
 * loaded file by file from node_modules instead of read with the bundle), and the SDK that runs would not be the
 * one the tests ran. Bundled, the SDK core costs ~300 KB per function; that is why most bundles stay above
 * the 500 KB size target while all meet the 150 ms init target. If the size ever matters more than both, set
 * `externalModules: ['@aws-sdk/*', '@smithy/*']` AND pin the SDK with a layer built from package-lock.json.
 * What keeps bundles small instead: `import * as z from 'zod'` (eslint enforces it in shared/ and functions/),
 * each function's entry importing only what it uses (e.g. only archive-case carries the S3 client of the
 * life-cycle tasks). The source map is a separate file (`index.mjs.map`); the size target counts `index.mjs`.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../config';

/** A function's environment as CDK passes it: every variable of its zod env schema, as a string. */
export type EnvVars<T> = { [K in keyof T]: string };

/** Node resolves this banner before any bundled code: CommonJS dependencies get a real `require`. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __tousuCreateRequire } from 'node:module'; const require = __tousuCreateRequire(import.meta.url);";

/** Files copied into every asset (see the module comment). Relative to the repository root. */
export const RUNTIME_DATA = ['config/jurisdictions', 'config/rules', 'config/calendar', 'web/console', 'node_modules/chinese-days/package.json', 'node_modules/chinese-days/dist/chinese-days.json'] as const;

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

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class TousuFunction<Env = Record<string, string>> extends NodejsFunction {
  /** The function's own KMS-encrypted log group (also `logGroup`). */
  readonly functionLogGroup: logs.LogGroup;
  readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: TousuFunctionProps<Env>) {
    const entry = join(REPO_ROOT, props.entry);
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
    const bundleDir = `functions/${props.name}`;
    super(scope, id, {
      entry,
      handler: `${bundleDir}/index.handler`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      loggingFormat: lambda.LoggingFormat.JSON,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: { ...(props.environment as Record<string, string>), NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        banner: ESM_REQUIRE_BANNER,
        // Bundle the AWS SDK too: the version we test is the version that runs, and a bundled SDK initialises
        // faster than the runtime's (see the module comment and docs/BENCHMARKS.md).
        externalModules: [],
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `mkdir -p ${q(`${outputDir}/${bundleDir}`)}`,
            `mv ${q(`${outputDir}/index.mjs`)} ${q(`${outputDir}/index.mjs.map`)} ${q(`${outputDir}/${bundleDir}/`)}`,
            ...RUNTIME_DATA.map((p) => {
              const parent = p.slice(0, p.lastIndexOf('/'));
              return `mkdir -p ${q(`${outputDir}/${parent}`)} && cp -R ${q(`${inputDir}/${p}`)} ${q(`${outputDir}/${parent}/`)}`;
            }),
          ],
        },
      },
    });
    this.functionLogGroup = logGroup;
    this.executionRole = role;
    logGroup.grantWrite(role);
  }
}
