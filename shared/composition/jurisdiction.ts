/**
 * What every composition root builds first, once per jurisdiction and the same way on every platform: the
 * jurisdiction's configuration, its working-day calendar and the rules registry. The calendar is built here and
 * nowhere else, always with the jurisdiction's `calendarOverrides` (a county's local 调休 day), so one case gets
 * one deadline whichever process computes it: the Lambda functions (./aws.ts), the embedded runtime, its
 * sandbox and the CLI (infra/local/composition.ts).
 *
 * Calendar years come from the package (chinese-days), the administrator's year files (config/calendar or
 * `calendarDir`) and, on the embedded runtime, the notices imported into the data directory (`importedCalendarDir`,
 * these win). On AWS the imported years live in the table and are read by the composition's refresher.
 */
import { existsSync } from 'node:fs';
import { loadCalendar, readYearFiles } from '../calendar/load';
import { loadJurisdiction, loadRulesRegistry } from '../config/load';
import type { WorkingCalendar } from '../domain/calendar';
import type { JurisdictionConfig } from '../domain/jurisdiction';
import type { RulesRegistry } from '../domain/rules';

export interface JurisdictionSources {
  /** Directory of jurisdiction files (default config/jurisdictions). */
  jurisdictionDir?: string;
  /** Administrator calendar year files (default config/calendar). */
  calendarDir?: string;
  /** Rules version files (default config/rules). */
  rulesDir?: string;
  /** Years imported into an embedded deployment (`<data-dir>/calendar`); absent folder: none yet. */
  importedCalendarDir?: string;
}

export interface JurisdictionSetup {
  jurisdiction: JurisdictionConfig;
  calendar: WorkingCalendar;
  rules: RulesRegistry;
}

/** The working-day calendar of a jurisdiction: shipped and administrator years, its overrides, imported years. */
export function jurisdictionCalendar(jurisdiction: Pick<JurisdictionConfig, 'calendarOverrides'>, src: Pick<JurisdictionSources, 'calendarDir' | 'importedCalendarDir'> = {}): WorkingCalendar {
  const calendar = loadCalendar({ ...(src.calendarDir ? { yearDir: src.calendarDir } : {}), overrides: jurisdiction.calendarOverrides });
  if (src.importedCalendarDir && existsSync(src.importedCalendarDir)) for (const y of readYearFiles(src.importedCalendarDir)) calendar.loadYear(y);
  return calendar;
}

/**
 * The calendar of the shipped and administrator years alone, no jurisdiction's overrides: what `tousu config
 * validate` checks the year files with (a ConfigError names every problem). Never for a deadline.
 */
export function sharedCalendarYears(src: Pick<JurisdictionSources, 'calendarDir'> = {}): WorkingCalendar {
  return jurisdictionCalendar({ calendarOverrides: [] }, src);
}

/** The rules registry (config/rules, or `rulesDir`). */
export function composeRules(src: Pick<JurisdictionSources, 'rulesDir'> = {}): RulesRegistry {
  return src.rulesDir ? loadRulesRegistry(src.rulesDir) : loadRulesRegistry();
}

/** The jurisdiction `code` (or a file path), its calendar and the rules registry. */
export function composeJurisdiction(code: string, src: JurisdictionSources = {}): JurisdictionSetup {
  const jurisdiction = loadJurisdiction(code, src.jurisdictionDir ? { dir: src.jurisdictionDir } : {});
  return {
    jurisdiction,
    calendar: jurisdictionCalendar(jurisdiction, src),
    rules: composeRules(src),
  };
}
