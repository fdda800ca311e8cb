/**
 * GET /api/cases/{caseId}/dossier (staff): the art. 18 dossier of an archived case as printable HTML
 * (shared/domain/dossier.ts). Read like the case itself: the caller must be allowed to read the case, the read is
 * audited (`read_dossier`, a refusal `read_dossier_denied`), and what is printed is what the caller's role may see.
 * A case not archived yet answers 409.
 */
import type { Actor, CaseRecord } from '../../../shared/domain/case';
import type { StaffRouteDeps } from './staff';

export async function dossierHtml(deps: Pick<StaffRouteDeps, 'store' | 'jurisdiction' | 'rules' | 'clock'>, record: CaseRecord, viewer: Actor): Promise<string> {
  // The dossier renderer (~17 KB bundled) loads with the first dossier asked for, not at the API's cold start.
  const { renderDossier } = await import('../../../shared/domain/dossier');
  return renderDossier({
    case: record,
    timeline: await deps.store.timeline(record.caseId),
    viewer,
    jurisdiction: deps.jurisdiction,
    rules: deps.rules.byId(record.rulesVersion),
    printedAt: deps.clock.now().toISOString(),
  });
}
