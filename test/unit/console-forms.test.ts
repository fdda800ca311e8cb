/**
 * The console's action forms (functions/api/routes/console-api.ts) against the domain's action schemas: one form
 * per action, every field a key of the schema, every required schema field in the form, every option a value the
 * schema accepts. A renamed or added schema field fails here before a liaison meets a form that cannot submit.
 */
import type { z } from 'zod';
import { actionForms } from '../../functions/api/routes/console-api';
import { ACTION_NAMES, ACTION_SCHEMAS } from '../../shared/domain/lifecycle';
import { SUINING_2023 } from '../../shared/domain/rules';

const forms = actionForms(SUINING_2023);

describe('console action forms', () => {
  it('has exactly one form per action', () => {
    expect(forms.map((f) => f.action).sort()).toEqual([...ACTION_NAMES].sort());
  });

  for (const form of forms) {
    const schema = ACTION_SCHEMAS[form.action] as unknown as z.ZodObject;
    const shape = schema.shape as Record<string, z.ZodType>;

    it(`${form.action}: fields are schema keys, required schema keys are fields`, () => {
      for (const f of form.fields) expect(Object.keys(shape)).toContain(f.name);
      const required = Object.entries(shape)
        .filter(([k, s]) => k !== 'action' && !s.safeParse(undefined).success)
        .map(([k]) => k);
      for (const k of required) expect(form.fields.map((f) => f.name)).toContain(k);
    });

    it(`${form.action}: every option is accepted by the schema`, () => {
      for (const f of form.fields) {
        for (const o of f.options ?? []) expect(shape[f.name]!.safeParse(o.value).success).toBe(true);
      }
    });
  }
});
