/**
 * Labelled fields as citizens and staff write them in complaint mail and forms: `投诉人：张三`, `姓名` spaced out with ideographic spaces,
 * `联系电话：138…`, `被投诉单位：…`, `投诉事项：` followed by the text on the same or the next lines. Colons may be
 * full-width or half-width, labels may be spaced out, several short fields may share one line.
 */

export type LabelledField = 'name' | 'organization' | 'phone' | 'email' | 'address' | 'idNumber' | 'respondentUnit' | 'respondentPerson' | 'matter' | 'facts';

/** Multi-line fields run until the next label; the others end at the end of their line. */
const MULTILINE: ReadonlySet<LabelledField> = new Set(['matter', 'facts']);

const LABELS: Record<LabelledField, string[]> = {
  name: ['投诉人姓名', '投诉人', '姓名', '联系人', '反映人', '来信人'],
  organization: ['投诉单位名称', '单位名称', '投诉单位', '企业名称', '公司名称'],
  phone: ['联系电话', '联系方式', '手机号码', '手机号', '手机', '电话号码', '电话'],
  email: ['电子邮箱', '电子邮件', '邮箱'],
  address: ['联系地址', '通讯地址', '家庭住址', '住址', '地址'],
  idNumber: ['身份证号码', '身份证号', '公民身份号码'],
  respondentUnit: ['被投诉单位', '被投诉部门', '被投诉窗口', '被投诉对象'],
  respondentPerson: ['被投诉人员', '被投诉工作人员', '被投诉人'],
  matter: ['具体投诉事项', '投诉事项', '投诉内容', '反映事项', '反映问题', '投诉请求', '投诉诉求'],
  facts: ['事实和理由', '事实与理由', '事实及理由', '具体情况', '事情经过'],
};

const LABEL_TO_FIELD = new Map<string, LabelledField>();
for (const [field, labels] of Object.entries(LABELS) as [LabelledField, string[]][]) {
  for (const label of labels) LABEL_TO_FIELD.set(label, field);
}

const SPACE = '[ \\t\\u00a0\\u3000]';
/** A label may be spaced out (with U+3000 between its characters); longest first so `投诉人姓名` wins over `投诉人`. */
const labelPattern = [...LABEL_TO_FIELD.keys()]
  .sort((a, b) => b.length - a.length)
  .map((label) => [...label].join(`${SPACE}*`))
  .join('|');

/**
 * A label starts a line (after an optional list number such as `1.` or `一、` or a bracket) or follows a
 * separator on the same line; then a colon, possibly after spaces.
 */
const LABEL_RE = new RegExp(`(?:^|(?<=[\\n，,；;。|]))${SPACE}*(?:(?:[0-9]{1,2}|[一二三四五六七八九十]{1,2})[、.．)）]${SPACE}*)?[【\\[]?(${labelPattern})[】\\]]?${SPACE}*[:：]`, 'g');

export type LabelledFields = Partial<Record<LabelledField, string>>;

function normaliseLabel(raw: string): string {
  return raw.replace(/[ \t\u00a0\u3000]/g, '');
}

/** Extracts labelled fields; the first occurrence of each field wins. Values are trimmed, never empty. */
export function extractLabelledFields(input: string): LabelledFields {
  const text = input.replace(/\r\n?/g, '\n');
  const matches = [...text.matchAll(LABEL_RE)];
  const fields: LabelledFields = {};
  matches.forEach((m, i) => {
    const field = LABEL_TO_FIELD.get(normaliseLabel(m[1] ?? ''));
    if (!field || fields[field] !== undefined) return;
    const start = (m.index ?? 0) + m[0].length;
    const end = matches[i + 1]?.index ?? text.length;
    let value = text.slice(start, end);
    if (!MULTILINE.has(field)) {
      // The value is on the label's line, or (label alone on its line) on the next non-empty line.
      const lines = value.split('\n');
      const first = lines[0]?.trim() ?? '';
      value = first !== '' ? first : (lines.slice(1).find((l) => l.trim() !== '') ?? '');
    }
    value = value
      .split('\n')
      .map((l) => l.replace(/[ \t\u00a0\u3000]+$/, ''))
      .join('\n')
      .trim()
      .replace(/[；;，,。]$/, '');
    if (value !== '') fields[field] = value;
  });
  return fields;
}
