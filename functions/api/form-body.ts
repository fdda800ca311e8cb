/**
 * Reading a multipart or URL-encoded body. The platform's FormData parser rejects a malformed part (a quote or
 * CR/LF in a file name, a broken boundary) with a TypeError; that is the sender's mistake, so it is a 400 with a
 * Chinese message, never a 500.
 */
import type { Context } from 'hono';
import type { BodyData } from 'hono/utils/body';
import { ValidationError } from '../../shared/domain/errors';

export async function parseFormBody(c: Context): Promise<BodyData<{ all: true }>> {
  try {
    return await c.req.parseBody({ all: true });
  } catch {
    throw new ValidationError([{ field: '(body)', code: 'invalid_form_data', message: '表单内容格式有误（例如文件名含有引号或换行），请修改文件名后重新提交。' }]);
  }
}

/** The status form's fields (urlencoded or multipart), strings only; an unreadable body reads as empty. */
export async function statusForm(c: Context): Promise<{ caseId?: string; code?: string }> {
  const body = (await c.req.parseBody().catch(() => ({}))) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);
  const caseId = text(body.caseId);
  const code = text(body.code);
  return { ...(caseId !== undefined ? { caseId } : {}), ...(code !== undefined ? { code } : {}) };
}
