/**
 * `errorName` reads a thrown value's name by shape: an error made in another realm (better-sqlite3 binds its
 * SqliteError class to the first module registry that loaded the addon, so a second jest test file in the same
 * worker sees errors that are not `instanceof Error`) still yields its name in dead letters and logs.
 */
import { runInNewContext } from 'node:vm';
import { ValidationError, errorName } from '../../shared/domain/errors';
import { errorSummary } from '../../shared/services/dead-letters';

describe('errorName', () => {
  it('names errors of this realm and of another realm alike, and nothing else', () => {
    const foreign = runInNewContext(
      '(() => { class SqliteError extends Error {} Object.defineProperty(SqliteError.prototype, "name", { value: "SqliteError" }); return new SqliteError("disk refused the write"); })()',
    ) as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(errorName(foreign)).toBe('SqliteError');
    expect(errorName(new TypeError('x'))).toBe('TypeError');
    expect(errorName('a string')).toBe('unknown');
    expect(errorName(undefined)).toBe('unknown');
    expect(errorName({ name: 42 })).toBe('unknown');
    expect(errorName({ name: 'x'.repeat(300) })).toHaveLength(128);
  });

  it('gives a dead letter the name of a foreign-realm error, and the code of ours', () => {
    const foreign = runInNewContext('(() => { const e = new Error("x"); e.name = "SqliteError"; return e; })()') as unknown;
    expect(errorSummary(foreign)).toEqual({ name: 'SqliteError' });
    expect(errorSummary(new ValidationError([{ field: 'name', code: 'required', message: '请填写姓名' }]))).toMatchObject({ name: 'ValidationError', code: expect.any(String) });
  });
});
