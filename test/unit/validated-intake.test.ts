/**
 * Issue 16, "validated once": the case-creating service (`createCase`) takes only a `ValidatedIntake`, which only
 * `validateIntake` makes. The `@ts-expect-error` lines are the type test: `npx tsc --noEmit -p .` fails when an
 * unvalidated intake (a plain canonical intake, or anything unknown) is accepted by `createCase`, because the
 * directive then has no error to expect. The runtime part shows the validator is the only way in.
 */
import { createCase, submitIntake } from '../../shared/intake/core';
import { validateIntake } from '../../shared/intake/validate';
import type { ValidatedIntake } from '../../shared/intake/validate';
import type { CanonicalIntake } from '../../shared/domain/intake';
import { ValidationError } from '../../shared/domain/errors';
import { sampleIntake, startHarness } from '../fixtures/channels/harness';
import type { Harness } from '../fixtures/channels/harness';

describe('ValidatedIntake: the one hand-off from the channels to the case-creating service', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('an intake that did not pass the validator does not type-check as a ValidatedIntake, nor as createCase input', () => {
    const plain: CanonicalIntake = { ...validateIntake(sampleIntake()) };
    // @ts-expect-error a canonical intake is not validated until validateIntake says so
    const notValidated: ValidatedIntake = plain;
    // @ts-expect-error createCase refuses a canonical intake that did not pass the validator (never called here)
    const unchecked = () => createCase(h.deps, plain);
    const raw: unknown = sampleIntake();
    // @ts-expect-error nor anything unknown
    const unknownInput = () => createCase(h.deps, raw);
    expect([notValidated, typeof unchecked, typeof unknownInput]).toEqual([plain, 'function', 'function']);
  });

  it('the validator makes one; createCase files it; submitIntake is the validator then createCase', async () => {
    const input = sampleIntake();
    const made = await createCase(h.deps, validateIntake(input));
    expect(made.duplicate).toBe(false);
    expect((await h.store.get(made.caseId))?.phase).toBe('received');
    // The same source again through the boundary function: validated, then the same case (idempotent).
    expect(await submitIntake(h.deps, input)).toEqual({ caseId: made.caseId, status: 'received', duplicate: true });
  });

  it('the validator refuses what the rules refuse, so no ValidatedIntake exists for it', () => {
    const noContact = { ...sampleIntake(), complainant: { name: '李某', anonymous: false, wantsReply: true, confidential: false } };
    expect(() => validateIntake(noContact)).toThrow(ValidationError);
    expect(() => validateIntake({ ...sampleIntake(), matter: '  ' })).toThrow(ValidationError);
  });
});
