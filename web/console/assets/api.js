/* global document */
/**
 * The console's client of the staff API: bearer token in sessionStorage (gone when the tab closes), JSON in
 * and out, and every failure turned into an ApiError with a Chinese message and the field problems of a 400.
 */

const KEY = 'tousu.console.session';

export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    if (!s || typeof s.token !== 'string') return null;
    if (s.expiresAt && Date.parse(s.expiresAt) <= Date.now()) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return s;
  } catch {
    return null;
  }
}

export function saveSession(s) {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

/** Ends the session on the server too (every token of this account stops at once), then forgets it here. */
export async function logout() {
  const s = session();
  clearSession();
  if (!s) return;
  try {
    await fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, credentials: 'same-origin' });
  } catch {
    // offline: the token still expires on its own; nothing more the page can do
  }
}

const STATUS_MESSAGES = {
  400: '提交的内容有误，请按提示修改。',
  401: '登录已失效，请重新登录。',
  403: '您无权查看或办理该投诉件。',
  404: '未找到对应的记录。',
  409: '该操作在投诉件当前环节不可用（可能已被他人办理），请刷新后查看最新状态。',
  413: '提交的内容过大。',
  429: '操作过于频繁，请稍后再试。',
  500: '系统繁忙，请稍后再试。',
};

export class ApiError extends Error {
  constructor(status, message, problems, code, data) {
    super(message);
    this.status = status;
    this.problems = problems ?? [];
    this.code = code;
    /** The whole JSON body (a sign-in step's session and authenticator key live here, never in storage). */
    this.data = data ?? {};
  }
}

/** Called on a 401: the app sends the user to the login page. */
let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

async function send(method, path, body, { raw = false } = {}) {
  const headers = { accept: raw ? '*/*' : 'application/json' };
  const s = session();
  if (s) headers.authorization = `Bearer ${s.token}`;
  // FormData (files) goes as multipart with the browser's boundary; anything else as JSON.
  const form = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : form ? body : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, '无法连接服务器，请检查网络后重试。');
  }
  if (res.ok) return raw ? res : res.json();
  let data = {};
  try {
    data = await res.json();
  } catch {
    // not JSON: the status message below
  }
  const generic = STATUS_MESSAGES[res.status] ?? STATUS_MESSAGES[500];
  // Server messages are Chinese; for 409 the generic sentence leads, since the server's names the phase code.
  const message = res.status === 409 ? `${generic}${data.message ? `（${data.message}）` : ''}` : (data.message ?? generic);
  const err = new ApiError(res.status, message, data.errors, data.code, data);
  // The sign-in routes answer 401 for a wrong password or an expired step: the login page shows it itself.
  if (res.status === 401 && !path.startsWith('/api/auth/')) {
    clearSession();
    onUnauthorized(err);
  }
  throw err;
}

export const api = {
  get: (path) => send('GET', path),
  post: (path, body) => send('POST', path, body),
  raw: (path) => send('GET', path, undefined, { raw: true }),
};

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** Downloads a response body under a file name (evidence: always a download, never opened on our origin). */
export async function download(path, filename) {
  const res = await api.raw(path);
  const blob = await res.blob();
  const url = URL.createObjectURL(new Blob([blob], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
