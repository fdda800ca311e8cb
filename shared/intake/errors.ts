import { TousuError } from '../domain/errors';

/**
 * The same delivery is being processed right now by another caller (its claim is fresh and not bound to a
 * case yet). Retry later; a claim that stays unbound is taken over once stale, so nothing is lost.
 */
export class IntakeInProgressError extends TousuError {
  override readonly name = 'IntakeInProgressError';
  readonly code = 'intake_in_progress';
  readonly status = 409;
  constructor(message = '同一投诉正在提交处理中，请稍后再试。') {
    super(message);
  }
}

/** Evidence upload is not possible on this deployment (no BlobStore configured). */
export class EvidenceStoreMissingError extends TousuError {
  override readonly name = 'EvidenceStoreMissingError';
  readonly code = 'evidence_store_missing';
  readonly status = 503;
  constructor(message = '暂时无法上传证明材料，请稍后再试或不附材料提交。') {
    super(message);
  }
}
