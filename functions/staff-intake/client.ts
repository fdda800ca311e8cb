/**
 * HTTP client of POST /api/intake/{channel} for the tousu CLI (scanning staff upload to a running instance).
 */
import type { FieldProblem } from '../../shared/domain/errors';
import type { StaffIntakeChannel } from './service';

export interface StaffClientOptions {
  api: string;
  token?: string;
  fetch?: typeof fetch;
}

/** "可能重复" in the staff intake answer (art. 11): the candidate cases and the matcher's reasons. */
export interface PossibleDuplicateAnswer {
  label: '可能重复';
  candidates: { caseId: string; score: number; reasons: string[] }[];
}

export type StaffPostResult =
  { ok: true; caseId: string; duplicate: boolean; status: string; possibleDuplicate?: PossibleDuplicateAnswer } | { ok: false; badInput: boolean; problems: FieldProblem[] };

export async function postStaffIntake(opts: StaffClientOptions, channel: StaffIntakeChannel, entry: unknown, files: { filename: string; bytes: Uint8Array }[] = []): Promise<StaffPostResult> {
  const url = `${opts.api.replace(/\/$/, '')}/api/intake/${channel}`;
  const headers: Record<string, string> = { accept: 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) };
  let body: FormData | string;
  if (files.length > 0) {
    const form = new FormData();
    form.set('entry', JSON.stringify(entry));
    for (const f of files) form.append('files', new Blob([f.bytes]), f.filename);
    body = form;
  } else {
    body = JSON.stringify(entry);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, { method: 'POST', headers, body });
  } catch (err) {
    return { ok: false, badInput: false, problems: [{ field: '(network)', code: 'unreachable', message: `无法连接 ${opts.api}：${err instanceof Error ? err.message : String(err)}` }] };
  }
  const json = (await res.json().catch(() => ({}))) as {
    caseId?: string;
    duplicate?: boolean;
    status?: string;
    possibleDuplicate?: PossibleDuplicateAnswer;
    errors?: FieldProblem[];
    code?: string;
    message?: string;
  };
  if (res.ok && json.caseId)
    return { ok: true, caseId: json.caseId, duplicate: json.duplicate === true, status: json.status ?? '', ...(json.possibleDuplicate ? { possibleDuplicate: json.possibleDuplicate } : {}) };
  const problems = json.errors ?? [{ field: '(server)', code: json.code ?? `http_${res.status}`, message: json.message ?? `服务器返回 ${res.status}` }];
  return { ok: false, badInput: res.status === 400, problems };
}
