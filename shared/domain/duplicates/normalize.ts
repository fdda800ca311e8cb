/**
 * Normalisation of the identity signals used by duplicate matching (art. 11): phone, mail, name, organisation,
 * and of free text before it is cut into shingles. Pure functions; nothing here is logged.
 */

/** NFKC folds full-width digits, letters and punctuation to their half-width forms (１３８ → 138, ＡＢ → AB). */
/**
 * Traditional characters people write in names, organisations and service terms (typed on a traditional-character
 * keyboard, a letter from Hong Kong or Taiwan), each with its simplified form. A short table of the characters met
 * in this domain, one character to one character, not a general converter (those ship multi-megabyte phrase
 * dictionaries).
 */
const TRADITIONAL_PAIRS =
  '張张陳陈劉刘黃黄趙赵吳吴孫孙馬马鄭郑謝谢羅罗楊杨許许鄧邓蕭萧馮冯錢钱蔣蒋韓韩呂吕蘇苏盧卢葉叶賈贾鍾钟龍龙歐欧東东華华國国紅红麗丽軍军偉伟強强輝辉靜静鳳凤蘭兰雲云慶庆鵬鹏貴贵興兴寶宝榮荣發发業业電电門门號号區区縣县證证營营執执記记務务稅税險险會会護护辦办達达貿贸團团廣广實实產产醫医療疗戶户線线網网話话說说請请處处間间進进長长開开關关應应變变還还過过結结續续個个們们這这為为與与後后對对時时費费權权書书單单檔档機机構构車车齊齐顧顾魯鲁廠厂農农場场遞递銷销態态臺台灣湾聯联絡络腦脑傳传價价導导徵征補补辦办戶户籍籍稱称縮缩銀银蓋盖窗窗閱阅質质監监徑径劃划簽签認认沒没讓让給给剛刚幾几萬万億亿陸陆貳贰參参圓圆塊块員员訴诉訪访態态難难復复';
const TRADITIONAL = new Map<string, string>();
for (let i = 0; i + 1 < TRADITIONAL_PAIRS.length; i += 2) TRADITIONAL.set(TRADITIONAL_PAIRS[i]!, TRADITIONAL_PAIRS[i + 1]!);
const TRADITIONAL_RE = new RegExp(`[${[...TRADITIONAL.keys()].join('')}]`, 'g');

/** Traditional → simplified for the characters of `TRADITIONAL_PAIRS`. */
export const simplify = (s: string): string => s.replace(TRADITIONAL_RE, (c) => TRADITIONAL.get(c) ?? c);

/** NFKC folds full-width digits, letters and punctuation to half-width (１３８ → 138), then traditional → simplified. */
export const fold = (s: string): string => simplify(s.normalize('NFKC'));

/** Area code of the jurisdiction's landlines (Suining: 0825), added to a local number written without it. */
export const DEFAULT_AREA_CODE = '0825';

/**
 * A phone number in a comparable form: mainland mobiles as 11 digits (`13812345678`), landlines with their area
 * code (`08252345678`, also when written as the local 7 or 8 digits `2345678`, `234-5678`). Accepts +86 / 0086 / 86
 * prefixes (a landline after them without its trunk zero: `86-825-2345678`), spaces, dashes, dots, brackets, full-width
 * digits and an extension (转 / ext / x / 分机 / # / a short last group after a dash or a space, or in brackets:
 * `0825-2345678-801`, `2345678 801`, `2345678(801)`), which is not part of the number. Returns undefined when fewer
 * than 7 digits remain.
 */
export function normalisePhone(raw: string | undefined, areaCode: string = DEFAULT_AREA_CODE): string | undefined {
  if (!raw) return undefined;
  let s = fold(raw).toLowerCase();
  s = s.split(/转|ext\.?|x(?=\d)|分机|#/)[0] ?? '';
  // A short group in brackets after a complete number is an extension too: 2345678(806).
  s = s.replace(/(\d)\s*[(（]\s*(\d{1,5})\s*[)）]\s*$/, '$1-$2');
  // The country code written apart (+86 / 0086 / 86 then a separator, or in brackets): a landline after it has lost
  // its trunk zero (86-825-2345678), which is put back so the extension rule below sees a complete number.
  const cc = /^\s*(?:[(（]\s*)?(?:\+|00)?86(?:\s*[)）])?(?=[\s\-.(（]|$)[\s\-.]*/.exec(s) ?? /^\s*(?:[(（]\s*)?(?:\+|00)86(?:\s*[)）])?/.exec(s);
  if (cc) {
    const rest = s.slice(cc[0].length).trim();
    s = /^[2-9]/.test(rest) ? `0${rest}` : rest;
  }
  // A dash-separated short last group after a complete landline is an extension.
  const groups = s
    .trim()
    .split(/[-\s.]+/)
    .filter(Boolean);
  if (groups.length >= 2) {
    const last = groups[groups.length - 1]!;
    const before = groups.slice(0, -1).join('').replace(/[^\d]/g, '');
    if (/^\d{1,5}$/.test(last) && /^(0[1-9]\d{1,2})?[2-9]\d{6,7}$/.test(before)) s = groups.slice(0, -1).join('');
  }
  let digits = s.replace(/[^\d+]/g, '');
  digits = digits.replace(/^\+86|^0086/, '');
  digits = digits.replace(/\+/g, '');
  // "86 138…" without a plus: a 13-digit number starting with 861 is a mobile with the country code.
  if (digits.length === 13 && digits.startsWith('861')) digits = digits.slice(2);
  if (digits.length < 7) return undefined;
  // A local landline (7 or 8 digits, not starting with 0 or 1) is in the jurisdiction's area.
  if (/^[2-9]\d{6,7}$/.test(digits)) digits = `${areaCode}${digits}`;
  return digits;
}

/**
 * A resident identity card number (GB 11643-1999, 18 characters, the last a check digit or X) when its check digit
 * is right; 15-digit first-generation numbers are widened to 18. Returns undefined for anything else, so a
 * mistyped number never counts as identity.
 */
export function normaliseIdNumber(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let s = fold(raw).replace(/[\s-]/g, '').toUpperCase();
  if (/^\d{15}$/.test(s)) {
    const body = `${s.slice(0, 6)}19${s.slice(6)}`;
    s = body + idCheckDigit(body);
  }
  if (!/^\d{17}[\dX]$/.test(s)) return undefined;
  return idCheckDigit(s.slice(0, 17)) === s[17] ? s : undefined;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idCheckDigit(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * ID_WEIGHTS[i]!;
  return '10X98765432'[sum % 11]!;
}

/** Identity card numbers written in a text whose check digit is right. */
export function idNumbersInText(text: string): string[] {
  const out = new Set<string>();
  for (const m of fold(text).matchAll(/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g)) {
    const id = normaliseIdNumber(m[0]);
    if (id) out.add(id);
  }
  return [...out];
}

/** Mail address: NFKC, trimmed, lower-cased, angle brackets and a display name removed. */
export function normaliseEmail(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const s = fold(raw).trim().toLowerCase();
  const angled = /<([^>]+)>/.exec(s);
  const addr = (angled?.[1] ?? s).replace(/^mailto:/, '').trim();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(addr)) return undefined;
  return addr;
}

const HONORIFICS = ['先生', '女士', '小姐', '同志', '师傅', '老师', '阿姨', '大爷', '大妈', '老人', '君'];
const COMPOUND_SURNAMES = ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '令狐', '慕容', '司徒', '夏侯', '尉迟', '长孙', '公孙', '宇文'];
const NO_NAME = new Set(['匿名', '无', '不详', '未留名', '未提供', '市民', '群众', '来电人', '来信人', 'anonymous', 'na', 'n/a']);

export interface NormalisedName {
  /** The full name when one was given (`王芳`). */
  full?: string;
  /** Surname, also when only a form of address was given (`王女士` → `王`). */
  surname?: string;
  /** What a form of address says: 先生 → m; 女士, 小姐, 阿姨, 大妈 → f. `张先生` and `张女士` are two people. */
  gender?: 'm' | 'f';
}

const GENDER: Record<string, 'm' | 'f'> = { 先生: 'm', 大爷: 'm', 女士: 'f', 小姐: 'f', 阿姨: 'f', 大妈: 'f' };

/** Person's name: NFKC, whitespace and separator dots removed, forms of address (先生/女士…) recognised. */
export function normaliseName(raw: string | undefined): NormalisedName {
  if (!raw) return {};
  const s = fold(raw)
    .replace(/[\s·•.．,，、()（）]/g, '')
    .toLowerCase();
  if (!s || NO_NAME.has(s)) return {};
  const honorific = HONORIFICS.find((h) => s.endsWith(h) && s.length > h.length);
  const surnameOf = (n: string): string => COMPOUND_SURNAMES.find((c) => n.startsWith(c)) ?? n.slice(0, 1);
  if (honorific) {
    const stem = s.slice(0, s.length - honorific.length);
    // "王女士" is a surname only; "王芳女士" is a full name followed by a form of address.
    const surname = surnameOf(stem);
    const gender = GENDER[honorific];
    const g = gender ? { gender } : {};
    // "老王先生" does not occur, but "老王" before a title is still the surname.
    if (stem.length === 2 && /^[老小]/.test(stem)) return { surname: stem.slice(1), ...g };
    return stem.length > surname.length ? { full: stem, surname, ...g } : { surname, ...g };
  }
  // "小王", "老王": a familiar form, the surname only.
  if (s.length === 2 && (s.startsWith('小') || s.startsWith('老'))) return { surname: s.slice(1) };
  return { full: s, surname: /^[\u4e00-\u9fff]/.test(s) ? surnameOf(s) : undefined };
}

const ORG_SUFFIXES = ['股份有限公司', '有限责任公司', '有限公司', '集团公司', '集团', '公司', '合作社', '个体工商户', '工作室', '经营部', '门市部', '商行', '店'];
const PLACE_PREFIXES = ['四川省', '四川', '遂宁市', '遂宁', '船山区', '安居区', '射洪市', '蓬溪县', '大英县', '经开区', '高新区'];

/** Organisation name: NFKC, punctuation and brackets removed, place prefixes and legal-form suffixes dropped. */
export function normaliseOrganisation(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let s = fold(raw)
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
  for (let changed = true; changed;) {
    changed = false;
    for (const p of PLACE_PREFIXES) {
      if (s.startsWith(p) && s.length > p.length + 1) {
        s = s.slice(p.length);
        changed = true;
      }
    }
  }
  for (const suffix of ORG_SUFFIXES) {
    if (s.endsWith(suffix) && s.length > suffix.length + 1) {
      s = s.slice(0, s.length - suffix.length);
      break;
    }
  }
  return s.length >= 2 ? s : undefined;
}

/**
 * Phrases every complaint letter or note carries whatever its matter (greetings, closings, the staff's
 * recording formula). They carry no information about the matter and are removed before shingling.
 */
const BOILERPLATE = [
  '尊敬的领导',
  '尊敬的各位领导',
  '领导您好',
  '领导你们好',
  '您好',
  '你好',
  '此致敬礼',
  '此致',
  '敬礼',
  '谢谢',
  '感谢',
  '来电人',
  '来电反映',
  '来电称',
  '来信反映',
  '市民反映',
  '群众反映',
  '诉求',
  '反映问题',
  '反映情况',
  '特此投诉',
  '我要投诉',
  '我想投诉',
  '我要反映',
  '我想反映',
  '希望领导重视',
  '希望有关部门',
  '请有关部门',
  '请领导',
  '望领导',
  '恳请',
  '盼复',
  '望回复',
  '请回复',
  '投诉人',
  '工单内容',
  '来电号码',
  '联系电话',
  '联系方式',
];

/**
 * Domain lexicon: service terms as people write them, each mapped to one canonical form, so that a paraphrase
 * using the colloquial or the short word shares its shingles with the formal one. Longest forms first.
 */
export const SERVICE_SYNONYMS: readonly (readonly [canonical: string, variants: readonly string[]])[] = [
  ['营业执照', ['营业执照', '营照', '执照', '营业证']],
  ['社会保险', ['社会保险', '社保']],
  ['医疗保险', ['医疗保险', '医保']],
  ['住房公积金', ['住房公积金', '公积金']],
  ['不动产登记', ['不动产登记', '不动产权登记', '房产登记', '房屋过户', '二手房过户', '过户']],
  ['不动产权证', ['不动产权证书', '不动产权证', '不动产证', '房产证', '房本']],
  ['身份证', ['居民身份证', '身份证']],
  ['户口', ['户籍', '户口']],
  ['窗口工作人员', ['窗口工作人员', '窗口人员', '窗口的人', '办事员', '工作人员', '柜员']],
  ['办理', ['办理', '去办', '来办', '办事']],
  ['材料', ['证明材料', '申请材料', '资料', '材料']],
  ['退税', ['个税退税', '退个税', '退税']],
  ['态度', ['服务态度', '态度']],
  ['推诿', ['踢皮球', '互相推诿', '推来推去', '推诿']],
  ['超期', ['超时限', '超过时限', '逾期', '超期']],
  ['排队', ['排长队', '排队']],
];
const SYNONYM_TABLE: [string, string][] = SERVICE_SYNONYMS.flatMap(([canon, vs]) => vs.map((v): [string, string] => [v, canon])).sort((a, b) => b[0].length - a[0].length);
const SYNONYM_RE = new RegExp(SYNONYM_TABLE.map(([v]) => v).join('|'), 'g');
const SYNONYM_OF = new Map(SYNONYM_TABLE);

/** Service terms in their canonical form (`营照` → `营业执照`, `社保` → `社会保险`). */
export const canonicalTerms = (s: string): string => s.replace(SYNONYM_RE, (m) => SYNONYM_OF.get(m) ?? m);

/**
 * Text in the form used for shingles: NFKC, traditional → simplified, lower case, service terms canonical,
 * punctuation, spaces and boilerplate phrases removed.
 */
export function normaliseText(raw: string): string {
  let s = fold(raw).toLowerCase();
  // Contact details in a signature are identity signals, compared separately, not part of the matter.
  s = s.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ');
  s = s.replace(/(\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}/g, ' ');
  s = s.replace(/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g, ' ');
  s = s.replace(/[\s\p{P}\p{S}]/gu, '');
  for (const phrase of BOILERPLATE) s = s.split(phrase).join('');
  return canonicalTerms(s);
}
