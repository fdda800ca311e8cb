/**
 * Routing at intake, for every channel (shared by the Lambdas and the embedded runtime): the decision from the
 * canonical intake, and the respondent it implies. Pure.
 */
import type { CanonicalIntake } from '../intake';
import { route, type RoutingIndex } from './index';
import type { RoutingDecision } from './schema';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

export function routingInputOf(intake: CanonicalIntake) {
  const d = intake.channelDetails ?? {};
  // Mail: the unit code came from the text's words (extraction), which is what routing judges again; a form,
  // a staff entry or a work order chose it from the directory.
  const chosen = intake.channel !== 'email' ? intake.respondent.unitCode : undefined;
  return {
    ...(intake.respondent.unit ? { respondentUnit: intake.respondent.unit } : {}),
    ...(intake.respondent.person ? { respondentPerson: intake.respondent.person } : {}),
    ...(chosen ? { chosenDepartment: chosen } : {}),
    ...(str(d.subject) || str(d.category) ? { subject: [str(d.subject), str(d.category)].filter(Boolean).join('\n') } : {}),
    matter: intake.matter,
    ...(intake.facts ? { facts: intake.facts } : {}),
    ...(str(d.place) || str(d.window) ? { place: [str(d.place), str(d.window)].filter(Boolean).join(' ') } : {}),
    ...(intake.forwardedBy ? { forwardedBy: intake.forwardedBy } : {}),
  };
}

/**
 * The routing decision and the intake with the respondent it implies: a confident local department becomes
 * `respondent.unitCode` (the unit as written stays in `respondent.unit`); another jurisdiction's unit never keeps a
 * local code that a generic word gave it.
 */
export function routeIntake(intake: CanonicalIntake, index: RoutingIndex, at: string): { intake: CanonicalIntake; routing: RoutingDecision } {
  const routing = route(routingInputOf(intake), index, at);
  const r = { ...intake.respondent };
  if (routing.kind === 'department' && routing.confident) {
    if (!r.unitCode || intake.channel === 'email') r.unitCode = routing.department!;
  } else if (intake.channel === 'email' || routing.kind === 'other_jurisdiction') {
    if (routing.kind !== 'department' || !routing.confident) delete r.unitCode;
  }
  if (!r.unit && routing.unitAsWritten && routing.kind !== 'not_government') r.unit = routing.unitAsWritten;
  const changed = r.unitCode !== intake.respondent.unitCode || r.unit !== intake.respondent.unit;
  return { intake: changed ? { ...intake, respondent: r } : intake, routing };
}
