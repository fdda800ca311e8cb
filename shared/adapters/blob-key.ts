/** Blob keys shared by the S3 and folder BlobStores: relative, slash-separated, no traversal. */
import { ValidationError } from '../domain/errors';
import { hasControlChars } from '../domain/control-chars';

const MAX_KEY_LENGTH = 1024;
/** Characters a Windows folder or an S3 console cannot hold safely; control characters are checked apart. */
const FORBIDDEN = /[\\:*?"<>|]/;

/** Returns the key unchanged when it is safe; otherwise a ValidationError (never silently rewritten: two keys must not collide). */
export function checkBlobKey(key: string): string {
  const bad = (why: string) => new ValidationError([{ field: 'key', message: `文件存储路径无效：${why}`, code: 'invalid_blob_key' }]);
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw bad('长度应为 1 到 1024 个字符');
  if (FORBIDDEN.test(key) || hasControlChars(key)) throw bad('含有不允许的字符');
  if (key.startsWith('/')) throw bad('不能以 / 开头');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw bad('含有空的或相对的路径段');
    if (segment.startsWith('.tmp-')) throw bad('路径段不能以 .tmp- 开头');
  }
  return key;
}
