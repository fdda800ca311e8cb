/**
 * The working-day calendar of an embedded deployment, built the same way wherever it is needed (the runtime, the
 * CLI commands that open a data directory): the shipped years and config/calendar, the jurisdiction's local
 * adjustments (`calendarOverrides`), and the notices imported into the data directory (`<data-dir>/calendar`),
 * which win. One builder, so a local 调休 day gives one deadline everywhere.
 */
import { existsSync } from 'node:fs';
import { loadCalendar, readYearFiles } from '../../shared/calendar/load';
import type { WorkingCalendar } from '../../shared/domain/calendar';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';

export function deploymentCalendar(jurisdiction: Pick<JurisdictionConfig, 'calendarOverrides'>, importedDir?: string): WorkingCalendar {
  const calendar = loadCalendar({ overrides: jurisdiction.calendarOverrides });
  if (importedDir && existsSync(importedDir)) for (const y of readYearFiles(importedDir)) calendar.loadYear(y);
  return calendar;
}
