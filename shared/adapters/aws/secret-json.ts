/**
 * JSON secrets from AWS Secrets Manager, read once per container and cached (cold start), never logged. A
 * rotated secret is picked up after `invalidate()` (the SMTP sender calls it when the server refuses the login).
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../../domain/errors';

/** Reads a secret whose SecretString is a JSON object and returns the named string fields. */
export async function readSecretFields<K extends string>(client: SecretsManagerClient, secretId: string, fields: readonly K[]): Promise<Record<K, string>> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const bad = (why: string) =>
    // The secret's id (an ARN) is named; its content never is.
    new ConfigError([{ field: secretId, message: why, code: 'invalid_secret' }], `Secrets Manager 密钥 ${secretId} 的内容不符合要求：${why}`);
  if (typeof out.SecretString !== 'string') throw bad('应为 JSON 文本（SecretString），不是二进制。');
  let parsed: unknown;
  try {
    parsed = JSON.parse(out.SecretString);
  } catch {
    throw bad(`应为 JSON 对象，含字段 ${fields.join('、')}。`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad(`应为 JSON 对象，含字段 ${fields.join('、')}。`);
  const result = {} as Record<K, string>;
  for (const f of fields) {
    const v = (parsed as Record<string, unknown>)[f];
    if (typeof v !== 'string' || v.length === 0) throw bad(`缺少非空字符串字段 ${f}。`);
    result[f] = v;
  }
  return result;
}

export interface CachedSecret<T> {
  /** The value, loaded on the first call (concurrent callers share one request); a failed load is retried next time. */
  get(): Promise<T>;
  /** Forgets the value: the next `get()` reads the secret again. */
  invalidate(): void;
}

export function cachedSecret<T>(load: () => Promise<T>): CachedSecret<T> {
  let pending: Promise<T> | undefined;
  return {
    get() {
      if (!pending) {
        const p = load();
        pending = p;
        p.catch(() => {
          if (pending === p) pending = undefined;
        });
      }
      return pending;
    },
    invalidate() {
      pending = undefined;
    },
  };
}
