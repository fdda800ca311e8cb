/**
 * Normalisation of the identity signals used by duplicate matching (art. 11): phone, mail, name, organisation,
 * and of free text before it is cut into shingles. Pure functions; nothing here is logged.
 */

/** NFKC folds full-width digits, letters and punctuation to their half-width forms (１３８ → 138, ＡＢ → AB). */
export const fold = (s: string): string => s.normalize('NFKC');

/**
 * A phone number in a comparable form: mainland mobiles as 11 digits (`13812345678`), landlines with their area
 * code (`08252345678`). Accepts +86 / 0086 / 86 prefixes, spaces, dashes, dots, brackets, full-width digits and
 * an extension after 转/-/ext. Returns undefined when fewer than 7 digits remain.
 */
export function normalisePhone(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let s = fold(raw).toLowerCase();
  // An extension is not part of the subscriber number.
  s = s.split(/转|ext\.?|x(?=\d)|分机/)[0] ?? '';
  let digits = s.replace(/[^\d+]/g, '');
  digits = digits.replace(/^\+86|^0086/, '');
  digits = digits.replace(/\+/g, '');
  // "86 138…" without a plus: a 13-digit number starting with 861 is a mobile with the country code.
  if (digits.length === 13 && digits.startsWith('861')) digits = digits.slice(2);
  if (digits.length < 7) return undefined;
  return digits;
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
}

/** Person's name: NFKC, whitespace and separator dots removed, forms of address (先生/女士…) recognised. */
export function normaliseName(raw: string | undefined): NormalisedName {
  if (!raw) return {};
  const s = fold(raw).replace(/[\s·•.．,，、()（）]/g, '').toLowerCase();
  if (!s || NO_NAME.has(s)) return {};
  const honorific = HONORIFICS.find((h) => s.endsWith(h) && s.length > h.length);
  const surnameOf = (n: string): string => COMPOUND_SURNAMES.find((c) => n.startsWith(c)) ?? n.slice(0, 1);
  if (honorific) {
    const stem = s.slice(0, s.length - honorific.length);
    // "王女士" is a surname only; "王芳女士" is a full name followed by a form of address.
    const surname = surnameOf(stem);
    return stem.length > surname.length ? { full: stem, surname } : { surname };
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
  let s = fold(raw).toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');
  for (let changed = true; changed; ) {
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
  '尊敬的领导', '尊敬的各位领导', '领导您好', '领导你们好', '您好', '你好', '此致敬礼', '此致', '敬礼', '谢谢', '感谢',
  '来电人', '来电反映', '来电称', '来信反映', '市民反映', '群众反映', '诉求', '反映问题', '反映情况', '特此投诉',
  '我要投诉', '我想投诉', '我要反映', '我想反映', '希望领导重视', '希望有关部门', '请有关部门', '请领导', '望领导',
  '恳请', '盼复', '望回复', '请回复', '投诉人', '工单内容', '来电号码', '联系电话', '联系方式',
];

/** Text in the form used for shingles: NFKC, lower case, punctuation, spaces and boilerplate phrases removed. */
export function normaliseText(raw: string): string {
  let s = fold(raw).toLowerCase();
  // Contact details in a signature are identity signals, compared separately, not part of the matter.
  s = s.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ');
  s = s.replace(/(\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}/g, ' ');
  s = s.replace(/[\s\p{P}\p{S}]/gu, '');
  for (const phrase of BOILERPLATE) s = s.split(phrase).join('');
  return s;
}
