/**
 * The staff console (issue 9): static files from web/console, served at GET /console and /console/*.
 *
 * Every page path under /console answers the same shell (index.html); the ES modules route on the client.
 * Assets are read once at registration, from a fixed list of files (no path from the request reaches the
 * file system). The console calls the staff API with a bearer token, so serving it needs no authentication.
 * createApp's middleware adds the CSP (`default-src 'self'`: no inline script, no CDN).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { registerConsoleApiRoutes } from './console-api';
import type { ConsoleApiDeps } from './console-api';

export interface ConsoleRouteOptions {
  /** Folder holding index.html and assets/ (default: web/console of this repository). On Lambda, the bundle must ship it. */
  dir?: string;
  /** When given, also mounts the console's own API (routes/console-api.ts: meta, search, duplicates, evidence). */
  api?: ConsoleApiDeps;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

interface Asset {
  body: Uint8Array;
  type: string;
  etag: string;
}

export function defaultConsoleDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Source layout (functions/api/routes/console.ts) or the Lambda asset (functions/api/index.mjs, web/ copied
  // beside functions/ by infra/constructs/tousu-function.ts).
  const candidates = [resolve(here, '../../../web/console'), resolve(here, '../../web/console')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0]!;
}

function load(path: string, type: string): Asset {
  const body = new Uint8Array(readFileSync(path));
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

function send(c: Context, a: Asset, cache: string): Response {
  if (c.req.header('if-none-match') === a.etag) return new Response(null, { status: 304, headers: { etag: a.etag, 'cache-control': cache } });
  return new Response(a.body, { status: 200, headers: { 'content-type': a.type, etag: a.etag, 'cache-control': cache } });
}

export function registerConsoleRoutes(app: Hono, opts: ConsoleRouteOptions = {}): void {
  if (opts.api) registerConsoleApiRoutes(app, opts.api);
  const dir = opts.dir ?? defaultConsoleDir();
  const shell = load(join(dir, 'index.html'), 'text/html; charset=utf-8');
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(join(dir, 'assets'))) {
    const type = TYPES[extname(name)];
    if (type) assets.set(name, load(join(dir, 'assets', name), type));
  }

  const page = (c: Context) => send(c, shell, 'no-cache');
  app.get('/console', page);
  app.get('/console/', page);
  app.get('/console/assets/:name', (c) => {
    const a = assets.get(c.req.param('name'));
    if (!a) return c.json({ code: 'not_found', message: '未找到对应的记录。' }, 404);
    return send(c, a, 'no-cache');
  });
  app.get('/console/*', page);
}
