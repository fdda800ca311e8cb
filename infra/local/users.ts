/**
 * Local staff accounts of the embedded runtime, in the single table under `USER#<username>` / `USER`.
 * Passwords are hashed with scrypt (node:crypto) and a random salt, compared in constant time, and never
 * logged or printed. Five failed logins in a row lock the account for 15 minutes (counted on the item with
 * atomic updates, so two processes or concurrent requests cannot skip the count).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { PK_PREFIX } from '../../shared/adapters/aws/table';
import { TousuError, UnauthorizedError, ValidationError } from '../../shared/domain/errors';
import { StaffRole } from '../../shared/auth/principal';
import type { StaffPrincipal } from '../../shared/auth/principal';
import { Code } from '../../shared/domain/intake';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;
export const MIN_PASSWORD_LENGTH = 10;

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64, maxmem: 64 * 1024 * 1024 };
const USER_SK = 'USER';

export class AccountLockedError extends TousuError {
  override readonly name = 'AccountLockedError';
  readonly code = 'account_locked';
  readonly status = 429;
  constructor(readonly until: string) {
    super(`连续登录失败次数过多，账户已暂时锁定，请于 ${new Date(until).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' })} 后再试。`);
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
    password: z.string().min(MIN_PASSWORD_LENGTH, `密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符`).max(1024, '密码过长'),
  })
  .refine((u) => u.role !== 'department' || u.department !== undefined, { message: '部门联络人（department 角色）必须指定 --department 部门编码', path: ['department'] })
  .refine((u) => u.role === 'department' || u.department === undefined, { message: '只有 department 角色可以指定部门', path: ['department'] });
export type NewUser = z.input<typeof NewUser>;

export interface UserRecord {
  username: string;
  role: StaffRole;
  department?: string;
  createdAt: string;
  failedAttempts: number;
  lockedUntil?: string;
  lastLoginAt?: string;
}

interface UserItem extends UserRecord {
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
    createdAt: item.createdAt,
    failedAttempts: item.failedAttempts ?? 0,
    ...(item.lockedUntil ? { lockedUntil: item.lockedUntil } : {}),
    ...(item.lastLoginAt ? { lastLoginAt: item.lastLoginAt } : {}),
  };
}

export interface UserStoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Wall time for lockouts (never the virtual clock: a fast demo clock must not shorten a lockout). */
  now?: () => Date;
}

export class UserStore {
  private readonly now: () => Date;

  constructor(private readonly opts: UserStoreOptions) {
    this.now = opts.now ?? (() => new Date());
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
      createdAt: this.now().toISOString(),
      failedAttempts: 0,
      passwordHash: await hashPassword(u.password),
    };
    try {
      await this.opts.doc.send(new PutCommand({ TableName: this.opts.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new UserExistsError(u.username);
      throw err;
    }
    return publicRecord(item);
  }

  async get(username: string): Promise<UserRecord | undefined> {
    const item = await this.item(username);
    return item ? publicRecord(item) : undefined;
  }

  async list(): Promise<UserRecord[]> {
    const out: UserRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.opts.doc.send(
        new ScanCommand({
          TableName: this.opts.tableName,
          FilterExpression: 'begins_with(pk, :p) AND sk = :sk',
          ExpressionAttributeValues: { ':p': PK_PREFIX.user, ':sk': USER_SK },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const i of page.Items ?? []) out.push(publicRecord(i as UserItem));
      start = page.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => a.username.localeCompare(b.username));
  }

  /**
   * Checks a login. Unknown user and wrong password give the same answer (and take the same time); a locked
   * account says until when. Success clears the failure count.
   */
  async authenticate(usernameIn: string, password: string): Promise<StaffPrincipal> {
    const username = usernameIn.trim().toLowerCase();
    const wrong = () => new UnauthorizedError('用户名或密码错误。');
    const item = username.length > 0 && username.length <= 64 ? await this.item(username) : undefined;
    if (!item) {
      dummyHash ??= hashPassword('not-a-real-password');
      await verifyPassword(password, await dummyHash);
      throw wrong();
    }
    const now = this.now();
    if (item.lockedUntil && Date.parse(item.lockedUntil) > now.getTime()) throw new AccountLockedError(item.lockedUntil);
    if (!(await verifyPassword(password, item.passwordHash))) {
      const locked = await this.recordFailure(username, now);
      if (locked) throw new AccountLockedError(locked);
      throw wrong();
    }
    await this.opts.doc.send(
      new UpdateCommand({
        TableName: this.opts.tableName,
        Key: userKey(username),
        UpdateExpression: 'SET failedAttempts = :z, lastLoginAt = :now REMOVE lockedUntil',
        ExpressionAttributeValues: { ':z': 0, ':now': now.toISOString() },
      }),
    );
    return {
      username,
      role: item.role,
      ...(item.department ? { department: item.department } : {}),
      actor: { role: item.role, id: username, ...(item.department ? { department: item.department } : {}) },
    };
  }

  /** Counts a failure atomically; at the limit, locks the account and resets the count. Returns the lock end. */
  private async recordFailure(username: string, now: Date): Promise<string | undefined> {
    const out = await this.opts.doc.send(
      new UpdateCommand({
        TableName: this.opts.tableName,
        Key: userKey(username),
        UpdateExpression: 'ADD failedAttempts :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count = Number(out.Attributes?.failedAttempts ?? 0);
    if (count < MAX_FAILED_LOGINS) return undefined;
    const until = new Date(now.getTime() + LOCKOUT_MS).toISOString();
    await this.opts.doc.send(
      new UpdateCommand({
        TableName: this.opts.tableName,
        Key: userKey(username),
        UpdateExpression: 'SET lockedUntil = :until, failedAttempts = :z',
        ExpressionAttributeValues: { ':until': until, ':z': 0 },
      }),
    );
    return until;
  }

  private async item(username: string): Promise<UserItem | undefined> {
    const out = await this.opts.doc.send(new GetCommand({ TableName: this.opts.tableName, Key: userKey(username), ConsistentRead: true }));
    return out.Item as UserItem | undefined;
  }
}
