#!/usr/bin/env node
// Entry point of the `tousu` command: loads the TypeScript CLI through tsx, so `npx tousu` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start that releases after January 2027 need Node 22; the lockfile pins a
// version that runs on Node 20, and the README says so once instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('../infra/cli/main.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
