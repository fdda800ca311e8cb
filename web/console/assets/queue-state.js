/**
 * The queue's state beyond one page load (issue 21, item 2): column sorting, saved views and which cases the user
 * has seen. Saved views and the "seen" marks are kept per user (jurisdiction + username) in this browser's
 * localStorage: a user who signs in on another computer starts there with the built-in views only (docs/console.md).
 * Nothing here holds case content: views are filter values, marks are case ids with their version numbers.
 */

// ------------------------------------------------------------------------------------------------ sorting

/** The sortable columns: the key in the URL (`sort=`), the column heading. */
export const SORT_KEYS = {
  due: '办理期限',
  received: '收到时间',
  left: '剩余工作日',
  department: '承办部门',
  phase: '环节',
};

// The lifecycle order of the phases: sorting by phase follows the work, not the alphabet.
const PHASE_ORDER = ['received', 'screening', 'dispatch', 'acceptance', 'classification', 'handling', 'rectification', 'reply', 'follow_up', 'archived', 'merged'];

const time = (iso) => {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? undefined : t;
};

/** Compares two values where `undefined` (no date, not dispatched, no count) always goes last. */
function cmp(a, b) {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'zh-CN');
}

/**
 * Sorts queue rows by a column. `departments` is meta.departments (names sort in the configured order's language);
 * ties fall back to the deadline, then the received time, so the order never jumps between refreshes.
 */
export function sortCases(items, key = 'due', dir = 'asc', departments = []) {
  const names = new Map(departments.map((d) => [d.code, d.name]));
  const value =
    {
      due: (c) => time(c.dueAt),
      received: (c) => time(c.receivedAt),
      left: (c) => (typeof c.workingDaysLeft === 'number' ? c.workingDaysLeft : undefined),
      department: (c) => (c.department ? (names.get(c.department) ?? c.department) : undefined),
      phase: (c) => {
        const i = PHASE_ORDER.indexOf(c.phase);
        return i < 0 ? undefined : i;
      },
    }[key] ?? ((c) => time(c.dueAt));
  const sign = dir === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    // A missing value stays last whichever the direction.
    const primary = va === undefined || vb === undefined ? cmp(va, vb) : sign * cmp(va, vb);
    return primary || cmp(time(a.dueAt), time(b.dueAt)) || cmp(time(a.receivedAt), time(b.receivedAt)) || String(a.caseId).localeCompare(String(b.caseId));
  });
}

// ------------------------------------------------------------------------------------------------ storage

function read(key, fallback) {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? 'null');
    return v ?? fallback;
  } catch {
    return fallback;
  }
}

function write(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    // storage full or disabled: the views and marks last for this page only
    return false;
  }
}

const userKey = (kind, me) => `tousu.console.${kind}:${me.jurisdiction}:${me.username}`;

// ------------------------------------------------------------------------------------------------ saved views

/** The filter values a view keeps (the queue's URL parameters). */
export const VIEW_PARAMS = ['phase', 'overdue', 'department', 'channel', 'q', 'sort', 'dir'];
export const MAX_VIEWS = 20;
export const MAX_VIEW_NAME = 20;

/** Built-in views per role: 我的超期 for everyone with a queue, 待交办 for the agency, 待受理 for a liaison. */
export function builtInViews(role) {
  const views = [
    { id: 'all', name: '全部待办', query: {} },
    { id: 'overdue', name: '我的超期', query: { overdue: 'true' } },
  ];
  if (role === 'agency') views.push({ id: 'dispatch', name: '待交办', query: { phase: 'dispatch' } });
  if (role === 'department') views.push({ id: 'acceptance', name: '待受理', query: { phase: 'acceptance' } });
  return views;
}

/** Keeps only the known parameters with a non-empty string value. */
export function viewQuery(params) {
  const q = {};
  for (const k of VIEW_PARAMS) {
    const v = params instanceof URLSearchParams ? params.get(k) : params[k];
    if (typeof v === 'string' && v !== '') q[k] = v;
  }
  return q;
}

export function sameQuery(a, b) {
  const ka = Object.keys(a)
    .filter((k) => k !== 'sort' && k !== 'dir')
    .sort();
  const kb = Object.keys(b)
    .filter((k) => k !== 'sort' && k !== 'dir')
    .sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

export function savedViews(me) {
  const list = read(userKey('views', me), []);
  return Array.isArray(list) ? list.filter((v) => v && typeof v.name === 'string' && v.query && typeof v.query === 'object').slice(0, MAX_VIEWS) : [];
}

/**
 * Saves (or replaces, by name) a view of the user's. Returns an error message in Chinese, or '' when saved.
 */
export function saveView(me, name, query) {
  const n = String(name ?? '').trim();
  if (!n) return '请填写视图名称。';
  if (n.length > MAX_VIEW_NAME) return `视图名称最多 ${MAX_VIEW_NAME} 个字。`;
  if (builtInViews(me.role).some((v) => v.name === n)) return `“${n}”是系统视图的名称，请换一个名称。`;
  const q = viewQuery(query);
  if (Object.keys(q).filter((k) => k !== 'sort' && k !== 'dir').length === 0) return '当前没有任何筛选条件，无需保存为视图。';
  const list = savedViews(me).filter((v) => v.name !== n);
  if (list.length >= MAX_VIEWS) return `最多保存 ${MAX_VIEWS} 个视图，请先删除不用的视图。`;
  list.push({ name: n, query: q });
  return write(userKey('views', me), list) ? '' : '浏览器不允许保存（存储已满或被禁用），视图未能保存。';
}

export function deleteView(me, name) {
  write(
    userKey('views', me),
    savedViews(me).filter((v) => v.name !== name),
  );
}

// ------------------------------------------------------------------------------------------------ seen marks

const MAX_SEEN = 5000;

/** caseId → the version the user last saw (opened, or had in the queue when the marks began). */
export function seenMarks(me) {
  const m = read(userKey('seen', me), null);
  return m && typeof m === 'object' && !Array.isArray(m) ? m : null;
}

/**
 * The first queue a user ever loads here is the baseline (nothing marked new); after that a case not in the marks is
 * 新, one whose version grew is 有更新, until the user opens it.
 */
export function baselineSeen(me, items) {
  const marks = seenMarks(me);
  if (marks) return marks;
  const m = {};
  for (const c of items) if (typeof c.version === 'number') m[c.caseId] = c.version;
  write(userKey('seen', me), m);
  return m;
}

export function markSeen(me, caseId, version) {
  if (typeof version !== 'number') return;
  const m = seenMarks(me) ?? {};
  if ((m[caseId] ?? -1) >= version) return;
  m[caseId] = version;
  const keys = Object.keys(m);
  // Bounded: the oldest entries (insertion order) go first.
  for (const k of keys.slice(0, Math.max(0, keys.length - MAX_SEEN))) delete m[k];
  write(userKey('seen', me), m);
}

/** 'new' (never seen), 'changed' (a newer version than seen) or '' for one queue row. */
export function freshness(marks, c) {
  if (!marks || typeof c.version !== 'number') return '';
  const seen = marks[c.caseId];
  if (seen === undefined) return 'new';
  return c.version > seen ? 'changed' : '';
}
