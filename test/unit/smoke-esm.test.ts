import middy from '@middy/core';
import { RulesRegistry, SUINING_2023 } from '../../shared/domain/rules';

describe('toolchain', () => {
  it('runs ESM-only middy under jest and binds the rules version in force', async () => {
    const handler = middy(async (event: { n: number }) => event.n + 1);
    await expect(handler({ n: 1 }, {} as never)).resolves.toBe(2);
    const registry = new RulesRegistry([SUINING_2023]);
    expect(registry.inForceOn('2024-01-01').lapsed).toBe(false);
    expect(registry.inForceOn('2026-11-27')).toMatchObject({ lapsed: true, version: { id: 'suining-2023' } });
  });
});
