/**
 * A person's name and their organisation written in one field (issue 15 item 5): "欧阳淼淼（𠮷祥建材有限公司）",
 * "𠮷祥建材有限公司 欧阳淼淼", "𠮷祥建材有限公司（欧阳淼淼）", "欧阳淼淼/𠮷祥建材有限公司". Split only when one part
 * reads as an organisation (it ends in 公司, 厂, 合作社, 中心 …) and the other as a person's name; anything else
 * is left as written. Counts code points, not UTF-16 units, so a name with 𠮷 (outside the BMP) is one character.
 */

/** How organisation names end (enterprises, shops, co-operatives, associations, public bodies). */
const ORG_SUFFIX =
  /(?:有限责任公司|股份有限公司|有限公司|集团|公司|分公司|厂|店|超市|商行|门市部|经营部|工作室|事务所|合作社|协会|商会|学会|联合会|中心|医院|诊所|药房|学校|幼儿园|酒店|宾馆|餐馆|饭店|农场|养殖场|种植园|家庭农场|个体工商户|委员会|村委会|居委会|研究院|研究所|银行|支行|物业|局|站|所)$/u;

/** A Chinese personal name: 2 to 5 Han characters (with a middle dot for minority names), or a Latin name. */
const PERSON = /^(?:[\p{Script=Han}]{2,5}|[\p{Script=Han}]{1,6}·[\p{Script=Han}]{1,6}|[A-Za-z][A-Za-z .'-]{1,40})$/u;

const codePoints = (s: string) => [...s].length;

function isOrganisation(s: string): boolean {
  return codePoints(s) >= 3 && ORG_SUFFIX.test(s);
}

function isPerson(s: string): boolean {
  return PERSON.test(s) && !ORG_SUFFIX.test(s);
}

export interface NameParts {
  name?: string;
  organization?: string;
}

/**
 * Splits `raw` into a person's name and an organisation when it holds both; returns `{ name: raw }` when it is
 * one name, `{ organization: raw }` when it is only an organisation, and `{}` for an empty field.
 */
export function splitNameAndOrganisation(raw: string | undefined): NameParts {
  const s = (raw ?? '').trim().replace(/\s+/g, ' ');
  if (s === '') return {};
  // "A（B）", "A(B)", "A【B】", "A[B]"
  const bracket = s.match(/^(.+?)\s*[（(【[]\s*(.+?)\s*[）)】\]]$/u);
  // "A / B", "A，B", "A - B", "A B"
  const sep = bracket ? null : s.match(/^(.+?)\s*(?:[/／|｜,，、;；]|\s-\s|\s)\s*(.+)$/u);
  const parts = bracket ?? sep;
  if (parts) {
    const a = parts[1]!.trim();
    const b = parts[2]!.trim();
    if (isPerson(a) && isOrganisation(b)) return { name: a, organization: b };
    if (isOrganisation(a) && isPerson(b)) return { name: b, organization: a };
  }
  return isOrganisation(s) && !isPerson(s) ? { organization: s } : { name: s };
}

/**
 * Applies the split to a complainant-like record: a name field that carries an organisation gives it up to
 * `organization` (an organisation already stated separately wins and the name keeps only the person).
 */
export function withNameSplit<T extends { name?: string; organization?: string }>(c: T): T {
  if (!c.name) return c;
  const parts = splitNameAndOrganisation(c.name);
  // Only a field holding both is split: an organisation alone in the name field stays as the complainant wrote it.
  if (parts.organization === undefined || parts.name === undefined) return c;
  return { ...c, name: parts.name, organization: c.organization?.trim() ? c.organization : parts.organization };
}
