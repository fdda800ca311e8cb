import type { Department } from '../jurisdiction';

export interface RecognisedUnit {
  code: string;
  name: string;
  /** The name or alias found in the text. */
  matched: string;
  index: number;
}

/**
 * Finds the department the text names, through the department names and aliases of the jurisdiction. The
 * earliest mention wins; at the same position the longer name wins (`市场监督管理局` over `市场监督`).
 */
export function recogniseUnit(text: string, departments: readonly Pick<Department, 'code' | 'name' | 'aliases'>[]): RecognisedUnit | undefined {
  let best: RecognisedUnit | undefined;
  for (const dept of departments) {
    for (const name of [dept.name, ...(dept.aliases ?? [])]) {
      if (name.length < 2) continue;
      const index = text.indexOf(name);
      if (index < 0) continue;
      if (!best || index < best.index || (index === best.index && name.length > best.matched.length)) {
        best = { code: dept.code, name: dept.name, matched: name, index };
      }
    }
  }
  return best;
}
