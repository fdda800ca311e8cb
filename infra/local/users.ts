/**
 * Local staff accounts of the embedded runtime, in the single table under `USER#<username>` / `USER`.
 * Passwords are hashed with scrypt (node:crypto) and a random salt, compared in constant time, and never
 * logged or printed. Wrong passwords are throttled per client address in the login route (functions/api/rate-limit.ts
 * LoginThrottle), never by locking the account: a lock that anyone can trigger keeps the owner out.
 *
 * Revocation: every token carries the account's `tokenVersion`; the token verifier (infra/local/auth.ts) reads the
 * account on each request and refuses a token whose version, role or department no longer match, or whose
 * account is disabled. Logout, disabling and a role change bump the version, so old tokens stop at once.
 */
import type { StaffPrincipal } from '../../shared/ports/staff-auth';
import type { StaffAccountView, StaffAdmin } from '../../shared/ports/staff-admin';
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { PK_PREFIX } from '../../shared/adapters/aws/table';
import { TousuError, UnauthorizedError, ValidationError } from '../../shared/domain/errors';
import { StaffRole } from '../../shared/auth/principal';
import { Code } from '../../shared/domain/intake';
import type { StaffDirectory } from '../../shared/ports';
import type { ItemChange, UserItems } from '../../shared/ports/user-items';

export const MIN_PASSWORD_LENGTH = 10;

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64, maxmem: 64 * 1024 * 1024 };
const USER_SK = 'USER';

export class UnknownUserError extends TousuError {
  override readonly name = 'UnknownUserError';
  readonly code = 'unknown_user';
  readonly status = 404;
  constructor(username: string) {
    super(`没有用户名为 ${username} 的账户。`);
  }
}

export class UserExistsError extends TousuError {
  override readonly name = 'UserExistsError';
  readonly code = 'user_exists';
  readonly status = 409;
  constructor(username: string) {
    super(`用户名 ${username} 已存在。`);
  }
}

export const NewUser = z
  .object({
    username: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, '用户名应为 2 到 64 个字母、数字、点、下划线或连字符，以字母或数字开头'),
    role: StaffRole,
    department: Code.optional(),
    /** The person's own name (art. 21: a handler named as the respondent person is kept off the case). */
    name: z.string().trim().min(2, '姓名至少 2 个字').max(64, '姓名不能超过 64 个字').optional(),
    password: z.string().min(MIN_PASSWORD_LENGTH, `密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符`).max(1024, '密码过长'),
  })
  .refine((u) => u.role !== 'department' || u.department !== undefined, { message: '部门联络人（department 角色）必须指定 --department 部门编码', path: ['department'] })
  .refine((u) => u.role === 'department' || u.department === undefined, { message: '只有 department 角色可以指定部门', path: ['department'] });
export type NewUser = z.input<typeof NewUser>;

export interface UserRecord {
  username: string;
  role: StaffRole;
  department?: string;
  name?: string;
  createdAt: string;
  /** Bumped by logout, disabling and role changes: tokens carrying an older version are refused. */
  tokenVersion: number;
  disabled: boolean;
  lastLoginAt?: string;
}

/** What the token verifier compares a token against, on every request. */
export type AccountState = Pick<UserRecord, 'username' | 'role' | 'department' | 'tokenVersion' | 'disabled'>;

export interface UserItem extends Omit<UserRecord, 'tokenVersion' | 'disabled'> {
  tokenVersion?: number;
  disabled?: boolean;
  pk: string;
  sk: string;
  type: 'user';
  passwordHash: string;
}

function scrypt(password: string, salt: Buffer, keylen: number, opts: { N: number; r: number; p: number; maxmem: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  const key = await scrypt(password, salt, expected.length, { N, r, p, maxmem: SCRYPT.maxmem });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Compared against when the user does not exist, so that a wrong name takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;

const userKey = (username: string) => ({ pk: `${PK_PREFIX.user}${username}`, sk: USER_SK });

function publicRecord(item: UserItem): UserRecord {
  return {
    username: item.username,
    role: item.role,
    ...(item.department ? { department: item.department } : {}),
    ...(item.name ? { name: item.name } : {}),
    createdAt: item.createdAt,
    tokenVersion: item.tokenVersion ?? 0,
    disabled: item.disabled === true,
    ...(item.lastLoginAt ? { lastLoginAt: item.lastLoginAt } : {}),
  };
}

/** Account items on the single DynamoDB table (pk `USER#<username>`, sk `USER`). */
export class DynamoUserItems implements UserItems<UserItem> {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async insert(item: UserItem): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async get(username: string): Promise<UserItem | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: userKey(username), ConsistentRead: true }));
    return out.Item as UserItem | undefined;
  }

  async list(): Promise<UserItem[]> {
    const out: UserItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(pk, :p) AND sk = :sk',
          ExpressionAttributeValues: { ':p': PK_PREFIX.user, ':sk': USER_SK },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const i of page.Items ?? []) out.push(i as UserItem);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async update(username: string, change: ItemChange): Promise<UserItem | undefined> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    Object.entries(change.set ?? {}).forEach(([k, v], i) => {
      names[`#s${i}`] = k;
      values[`:s${i}`] = v;
      sets.push(`#s${i} = :s${i}`);
    });
    const removes = (change.remove ?? []).map((k, i) => {
      names[`#r${i}`] = k;
      return `#r${i}`;
    });
    if (change.bumpTokenVersion) values[':one'] = 1;
    const expression = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '', change.bumpTokenVersion ? 'ADD tokenVersion :one' : '']
      .filter(Boolean)
      .join(' ');
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: userKey(username),
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk)',
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as UserItem;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }
}

export type UserStoreOptions = ({ doc: DynamoDBDocumentClient; tableName: string } | { items: UserItems<UserItem> }) & {
  /** Wall time for account timestamps (never the virtual clock). */
  now?: () => Date;
};

export class UserStore {
  private readonly now: () => Date;
  private readonly items: UserItems<UserItem>;

  constructor(opts: UserStoreOptions) {
    this.now = opts.now ?? (() => new Date());
    this.items = 'items' in opts ? opts.items : new DynamoUserItems(opts.doc, opts.tableName);
  }

  /** Validates and creates an account; `departments` (when given) are the jurisdiction's department codes. */
  async add(input: NewUser, departments?: readonly string[]): Promise<UserRecord> {
    const parsed = NewUser.safeParse(input);
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message })));
    }
    const u = parsed.data;
    if (u.department && departments && !departments.includes(u.department)) {
      throw new ValidationError([{ field: 'department', message: `部门编码 ${u.department} 不在本辖区的部门名录中（可用：${departments.join('、')}）` }]);
    }
    const item: UserItem = {
      ...userKey(u.username),
      type: 'user',
      username: u.username,
      role: u.role,
      ...(u.department ? { department: u.department } : {}),
      ...(u.name ? { name: u.name } : {}),
      createdAt: this.now().toISOString(),
      tokenVersion: 0,
      disabled: false,
      passwordHash: await hashPassword(u.password),
    };
    if (!(await this.items.insert(item))) throw new UserExistsError(u.username);
    return publicRecord(item);
  }

  async get(username: string): Promise<UserRecord | undefined> {
    const item = await this.item(username);
    return item ? publicRecord(item) : undefined;
  }

  async list(): Promise<UserRecord[]> {
    return (await this.items.list()).map(publicRecord).sort((a, b) => a.username.localeCompare(b.username));
  }

  /**
   * Checks a login. Unknown user, wrong password and a disabled account give the same answer (and take the same
   * time). Returns the principal and the account's token version (the issuer puts it into the token).
   */
  async authenticate(usernameIn: string, password: string): Promise<StaffPrincipal & { tokenVersion: number }> {
    const username = usernameIn.trim().toLowerCase();
    const wrong = () => new UnauthorizedError('用户名或密码错误。');
    const item = username.length > 0 && username.length <= 64 ? await this.item(username) : undefined;
    if (!item) {
      dummyHash ??= hashPassword('not-a-real-password');
      await verifyPassword(password, await dummyHash);
      throw wrong();
    }
    if (!(await verifyPassword(password, item.passwordHash)) || item.disabled === true) throw wrong();
    await this.items.update(username, { set: { lastLoginAt: this.now().toISOString() }, remove: ['failedAttempts', 'lockedUntil'] });
    return {
      username,
      role: item.role,
      ...(item.department ? { department: item.department } : {}),
      ...(item.name ? { name: item.name } : {}),
      actor: { role: item.role, id: username, ...(item.department ? { department: item.department } : {}), ...(item.name ? { name: item.name } : {}) },
      tokenVersion: item.tokenVersion ?? 0,
    };
  }

  /** The account as the token verifier needs it (a consistent read: a revocation counts at once). */
  async accountState(username: string): Promise<AccountState | undefined> {
    const item = username.length > 0 && username.length <= 64 ? await this.item(username) : undefined;
    if (!item) return undefined;
    return { username: item.username, role: item.role, ...(item.department ? { department: item.department } : {}), tokenVersion: item.tokenVersion ?? 0, disabled: item.disabled === true };
  }

  /** Ends every session of the account (logout): tokens issued before now are refused from the next request. */
  async revokeTokens(username: string): Promise<void> {
    await this.update(username, { bumpTokenVersion: true });
  }

  /** Disables (or re-enables) the account; disabling ends its sessions at once. */
  async setDisabled(username: string, disabled: boolean): Promise<UserRecord> {
    return this.update(username, { set: { disabled }, bumpTokenVersion: true });
  }

  /** Changes the role (and department) of an account; its sessions end at once (the next login carries the new role). */
  async setRole(username: string, role: StaffRole, department: string | undefined, departments?: readonly string[]): Promise<UserRecord> {
    const parsed = NewUser.safeParse({ username, role, ...(department ? { department } : {}), password: 'x'.repeat(MIN_PASSWORD_LENGTH) });
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message })));
    }
    if (department && departments && !departments.includes(department)) {
      throw new ValidationError([{ field: 'department', message: `部门编码 ${department} 不在本辖区的部门名录中（可用：${departments.join('、')}）` }]);
    }
    return department ? this.update(username, { set: { role, department }, bumpTokenVersion: true }) : this.update(username, { set: { role }, remove: ['department'], bumpTokenVersion: true });
  }

  /** Sets a new password (the administrator's reset); the account's sessions end at once. */
  async setPassword(username: string, password: string): Promise<UserRecord> {
    const parsed = NewUser.shape.password.safeParse(password);
    if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => ({ field: 'password', message: i.message })));
    return this.update(username, { set: { passwordHash: await hashPassword(password) }, remove: ['failedAttempts', 'lockedUntil'], bumpTokenVersion: true });
  }

  private async update(usernameIn: string, change: ItemChange): Promise<UserRecord> {
    const username = usernameIn.trim().toLowerCase();
    const out = await this.items.update(username, change);
    if (!out) throw new UnknownUserError(username);
    return publicRecord(out);
  }

  private async item(username: string): Promise<UserItem | undefined> {
    return this.items.get(username);
  }
}

/** `tousu users disable|enable|set-role` (directly or through the runtime's admin endpoint). */
export const UserUpdate = z
  .object({
    username: z.string().trim().toLowerCase().min(1).max(64),
    disabled: z.boolean().optional(),
    role: StaffRole.optional(),
    department: Code.optional(),
  })
  .strict()
  .refine((u) => u.disabled !== undefined || u.role !== undefined, { message: '请指定要停用、启用或变更角色', path: ['(root)'] });

export async function updateUser(users: UserStore, raw: unknown, departments?: readonly string[]): Promise<UserRecord> {
  const parsed = UserUpdate.safeParse(raw);
  if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message })));
  const u = parsed.data;
  let out: UserRecord | undefined;
  if (u.role !== undefined) out = await users.setRole(u.username, u.role, u.department, departments);
  if (u.disabled !== undefined) out = await users.setDisabled(u.username, u.disabled);
  return out!;
}

/** The embedded runtime's staff directory (shared/ports StaffDirectory) over the local accounts: a disabled one is none. */
export function staffDirectoryOf(users: Pick<UserStore, 'get'>): StaffDirectory {
  return {
    async lookup(username) {
      const u = await users.get(username.trim().toLowerCase());
      if (!u || u.disabled) return undefined;
      return { role: u.role, ...(u.department ? { department: u.department } : {}), ...(u.name ? { name: u.name } : {}) };
    },
  };
}

/** The console's account administration (shared/ports/staff-admin.ts) over the local accounts. */
export function staffAdminOf(users: UserStore, departments?: readonly string[]): StaffAdmin {
  const view = (u: UserRecord): StaffAccountView => ({
    username: u.username,
    role: u.role,
    ...(u.department ? { department: u.department } : {}),
    ...(u.name ? { name: u.name } : {}),
    disabled: u.disabled,
    createdAt: u.createdAt,
    ...(u.lastLoginAt ? { lastLoginAt: u.lastLoginAt } : {}),
  });
  return {
    list: async () => (await users.list()).map(view),
    create: async (input) => view(await users.add(input, departments)),
    setDisabled: async (username, disabled) => view(await users.setDisabled(username, disabled)),
    resetPassword: async (username, password) => view(await users.setPassword(username, password)),
    setRole: async (username, role, department) => view(await users.setRole(username, role, department, departments)),
  };
}
