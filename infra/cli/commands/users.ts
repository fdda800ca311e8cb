/**
 * `tousu users add|list`: local staff accounts of the embedded runtime. Two processes must never open the
 * same LevelDB, so when `tousu start` runs on the data directory (its lock file names a live process) the
 * command goes through the runtime's admin endpoint (a Unix socket in the data directory), with `secrets/admin.key`;
 * otherwise it opens the store itself, under the same lock. The password is read from standard input only,
 * never from the command line, and never printed.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from '../usage-error';
import { STAFF_ROLES } from '../../../shared/auth/principal';
import { loadJurisdiction } from '../../../shared/config/load';
import { isTousuError } from '../../../shared/domain/errors';
import { acquireLock, checkDataDir, dataPaths, DEFAULT_JURISDICTION, readLiveLock } from '../../local/runtime';
import { migrateIfNeeded } from '../../local/migrate';
import { openEmbeddedStorage } from '../../local/composition';
import type { EmbeddedStorage } from '../../local/composition';
import { updateUser } from '../../local/users';
import type { UserStore } from '../../local/users';
import type { UserRecord } from '../../local/users';

const ROLE_HELP = STAFF_ROLES.join('|');

/** One HTTP request over the runtime's admin Unix socket: the status and the JSON answer ({} when not JSON). */
function socketRequest(socketPath: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        let json: unknown = {};
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          // not JSON: the status says enough
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Calls the running runtime's admin endpoint (a Unix socket in the data directory, named in its lock file);
 * undefined when no runtime runs on the data directory. A 4xx answer becomes a UsageError (exit 2) with the
 * runtime's Chinese message.
 */
export async function adminRequest(dataDir: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const paths = dataPaths(dataDir);
  const lock = await readLiveLock(paths);
  if (!lock || lock.kind !== 'runtime') return undefined;
  if (!lock.adminSocket) throw new Error(`tousu start（进程号 ${lock.pid}）正在启动，请稍后再试。`);
  const key = (await readFile(paths.adminKey, 'utf8')).trim();
  let answer: { status: number; json: unknown };
  try {
    answer = await socketRequest(
      lock.adminSocket,
      method,
      path,
      { 'x-tousu-admin-key': key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body !== undefined ? JSON.stringify(body) : undefined,
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    throw new Error(`无法连接运行中的 tousu start（进程号 ${lock.pid}，${lock.adminSocket}：${code}）。请确认以运行它的同一用户执行此命令。`, { cause: err });
  }
  const out = answer.json as { message?: string; errors?: { field: string; message: string }[] };
  if (answer.status >= 400 && answer.status < 500) {
    const detail = out.errors?.length ? out.errors.map((e) => `${e.field}：${e.message}`).join('；') : (out.message ?? `HTTP ${answer.status}`);
    throw new UsageError(detail);
  }
  if (answer.status < 200 || answer.status >= 300) throw new Error(out.message ?? `运行时返回 HTTP ${answer.status}`);
  return out;
}

/** Opens the store of a data directory that no runtime is using (under the lock), runs `fn`, closes it. */
async function withOfflineStore<T>(dataDir: string, fn: (users: UserStore, departments: string[]) => Promise<T>, jurisdictionCode?: string): Promise<T> {
  const paths = dataPaths(dataDir);
  for (const note of await checkDataDir(paths)) process.stderr.write(`${note}\n`);
  const release = await acquireLock(paths, { kind: 'cli' });
  let storage: EmbeddedStorage | undefined;
  try {
    await migrateIfNeeded(paths);
    // The accounts as the runtime opens them (infra/local/composition.ts, the embedded composition root).
    storage = openEmbeddedStorage({ databaseFile: paths.database });
    let code = jurisdictionCode;
    if (!code) {
      try {
        code = (JSON.parse(await readFile(paths.instance, 'utf8')) as { jurisdiction: string }).jurisdiction;
      } catch {
        code = DEFAULT_JURISDICTION;
      }
    }
    const departments = loadJurisdiction(code).departments.map((d) => d.code);
    return await fn(storage.users, departments);
  } finally {
    storage?.close();
    await release();
  }
}

/** The password from standard input: the first line (a pipe), or typed without echo (a terminal). */
async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    let muted = false;
    const out = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (!muted) process.stderr.write(chunk);
        cb();
      },
    });
    const rl = createInterface({ input: stdin, output: out, terminal: true });
    const answer = await new Promise<string>((resolve) => {
      rl.question('密码 (password): ', resolve);
      muted = true;
    });
    rl.close();
    process.stderr.write('\n');
    return answer;
  }
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.split(/\r?\n/)[0] ?? '';
}

function describe(u: UserRecord): string {
  return `${u.username}\t${u.role}${u.department ? `\t${u.department}` : ''}${u.disabled ? '\t已停用 (disabled)' : ''}`;
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('嵌入式运行时的工作人员账户 (staff accounts of the embedded runtime)');
  users
    .command('add')
    .description('创建工作人员账户；密码从标准输入读取 (create a staff account; password from stdin)')
    .requiredOption('--username <name>', '用户名 (user name)')
    .requiredOption('--role <role>', `角色 (role): ${ROLE_HELP}`)
    .option('--department <code>', 'department 角色的部门编码 (department code)')
    .option('--name <name>', "工作人员姓名（被投诉人为本人时不能承办该件，第二十一条）(the person's own name)")
    .option('--data-dir <dir>', '数据目录 (data directory)', '.tousu')
    .option('--jurisdiction <code>', '辖区代码（数据目录尚未启动过时用于核对部门编码）')
    .option('--password-stdin', '从标准输入读取密码 (read the password from stdin)')
    .action(async (o: { username: string; role: string; department?: string; name?: string; dataDir: string; jurisdiction?: string; passwordStdin?: boolean }) => {
      if (!(STAFF_ROLES as readonly string[]).includes(o.role)) throw new UsageError(`--role 只能是 ${ROLE_HELP}，收到“${o.role}”。`);
      if (!o.passwordStdin) throw new UsageError('请加 --password-stdin，从标准输入提供密码（不要把密码写在命令行上）。');
      const password = await readPassword();
      const input = { username: o.username, role: o.role, ...(o.department ? { department: o.department } : {}), ...(o.name ? { name: o.name } : {}), password };
      let created: UserRecord;
      const viaRuntime = (await adminRequest(o.dataDir, 'POST', '/admin/users', input)) as UserRecord | undefined;
      if (viaRuntime) created = viaRuntime;
      else {
        try {
          created = await withOfflineStore(o.dataDir, (store, departments) => store.add(input as never, departments), o.jurisdiction);
        } catch (err) {
          if (isTousuError(err) && err.status < 500) {
            const problems = (err as { problems?: { field: string; message: string }[] }).problems;
            throw new UsageError(problems?.length ? problems.map((p) => `${p.field}：${p.message}`).join('；') : err.message);
          }
          throw err;
        }
      }
      process.stdout.write(`已创建账户 ${created.username}（角色 ${created.role}${created.department ? `，部门 ${created.department}` : ''}）。 (account created)\n`);
    });
  const update = async (dataDir: string, body: Record<string, unknown>): Promise<UserRecord> => {
    const viaRuntime = (await adminRequest(dataDir, 'POST', '/admin/users/update', body)) as UserRecord | undefined;
    if (viaRuntime) return viaRuntime;
    try {
      return await withOfflineStore(dataDir, (store, departments) => updateUser(store, body, departments));
    } catch (err) {
      if (isTousuError(err) && err.status < 500) {
        const problems = (err as { problems?: { field: string; message: string }[] }).problems;
        throw new UsageError(problems?.length ? problems.map((p) => `${p.field}：${p.message}`).join('；') : err.message);
      }
      throw err;
    }
  };
  for (const [name, disabled, text] of [
    ['disable', true, '停用账户，并立即使其所有登录失效 (disable an account; its sessions end at once)'],
    ['enable', false, '重新启用账户 (enable an account again)'],
  ] as const) {
    users
      .command(name)
      .description(text)
      .requiredOption('--username <name>', '用户名 (user name)')
      .option('--data-dir <dir>', '数据目录 (data directory)', '.tousu')
      .action(async (o: { username: string; dataDir: string }) => {
        const u = await update(o.dataDir, { username: o.username, disabled });
        process.stdout.write(`${disabled ? '已停用' : '已启用'}账户 ${u.username}。\n`);
      });
  }
  users
    .command('set-role')
    .description('变更账户的角色和部门，并立即使其已有登录失效 (change role/department; sessions end at once)')
    .requiredOption('--username <name>', '用户名 (user name)')
    .requiredOption('--role <role>', `角色 (role): ${ROLE_HELP}`)
    .option('--department <code>', 'department 角色的部门编码 (department code)')
    .option('--data-dir <dir>', '数据目录 (data directory)', '.tousu')
    .action(async (o: { username: string; role: string; department?: string; dataDir: string }) => {
      if (!(STAFF_ROLES as readonly string[]).includes(o.role)) throw new UsageError(`--role 只能是 ${ROLE_HELP}，收到“${o.role}”。`);
      const u = await update(o.dataDir, { username: o.username, role: o.role, ...(o.department ? { department: o.department } : {}) });
      process.stdout.write(`账户 ${u.username} 的角色已变更为 ${u.role}${u.department ? `（部门 ${u.department}）` : ''}。\n`);
    });
  users
    .command('list')
    .description('列出账户（不含密码） (list accounts)')
    .option('--data-dir <dir>', '数据目录 (data directory)', '.tousu')
    .action(async (o: { dataDir: string }) => {
      const viaRuntime = (await adminRequest(o.dataDir, 'GET', '/admin/users')) as { items: UserRecord[] } | undefined;
      const items = viaRuntime ? viaRuntime.items : await withOfflineStore(o.dataDir, (store) => store.list());
      if (items.length === 0) process.stdout.write('还没有账户。\n');
      for (const u of items) process.stdout.write(describe(u) + '\n');
    });
}
