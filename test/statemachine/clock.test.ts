/** The clocks the engine sleeps on: manual (deterministic tests), scaled (demo, --clock-scale), real. */
import { ManualClock, RealClock, ScaledClock, clockFromScale } from '../../infra/local/clock';

describe('ManualClock', () => {
  it('releases sleepers in instant order, each at its own instant, and settles between them', async () => {
    const clock = new ManualClock('2025-03-03T00:00:00Z');
    const seen: string[] = [];
    const sleep = (iso: string, tag: string) => clock.sleepUntil(iso).then(() => seen.push(`${tag}@${clock.now().toISOString()}`));
    void sleep('2025-03-05T00:00:00Z', 'b');
    void sleep('2025-03-04T00:00:00Z', 'a');
    void sleep('2025-03-09T00:00:00Z', 'late');
    await clock.advanceTo('2025-03-06T00:00:00Z');
    expect(seen).toEqual(['a@2025-03-04T00:00:00.000Z', 'b@2025-03-05T00:00:00.000Z']);
    expect(clock.now().toISOString()).toBe('2025-03-06T00:00:00.000Z');
    expect(clock.pending().map((d) => d.toISOString())).toEqual(['2025-03-09T00:00:00.000Z']);
  });

  it('releases a sleeper registered while advancing if it falls before the target', async () => {
    const clock = new ManualClock('2025-03-03T00:00:00Z');
    const seen: string[] = [];
    void clock.sleepUntil('2025-03-04T00:00:00Z').then(() => {
      seen.push('first');
      void clock.sleepUntil('2025-03-04T12:00:00Z').then(() => seen.push(`second@${clock.now().toISOString()}`));
    });
    await clock.advanceBy(3 * 86_400_000);
    expect(seen).toEqual(['first', 'second@2025-03-04T12:00:00.000Z']);
  });

  it('resolves at once for a past instant, rejects on abort, and never goes back', async () => {
    const clock = new ManualClock('2025-03-03T00:00:00Z');
    await expect(clock.sleepUntil('2025-03-01T00:00:00Z')).resolves.toBeUndefined();
    const ac = new AbortController();
    const p = clock.sleepUntil('2025-03-10T00:00:00Z', ac.signal);
    ac.abort();
    await expect(p).rejects.toThrow();
    expect(clock.pending()).toEqual([]);
    await expect(clock.advanceTo('2025-03-02T00:00:00Z')).rejects.toThrow(RangeError);
  });
});

describe('ScaledClock', () => {
  it('runs virtual time N times faster from its start instant and wakes sleepers on virtual time', async () => {
    const clock = new ScaledClock({ scale: 3600, start: '2025-03-03T00:00:00Z' });
    const t0 = Date.now();
    await clock.sleepUntil('2025-03-03T00:01:00Z'); // one virtual minute ≈ 17 real ms
    const real = Date.now() - t0;
    expect(real).toBeLessThan(1000);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(Date.parse('2025-03-03T00:01:00Z'));
  });

  it('refuses a scale below 1', () => {
    expect(() => new ScaledClock({ scale: 0.5 })).toThrow(RangeError);
  });
});

it('clockFromScale gives the real clock without a scale', () => {
  expect(clockFromScale(undefined)).toBeInstanceOf(RealClock);
  expect(clockFromScale(60)).toBeInstanceOf(ScaledClock);
  expect(Math.abs(new RealClock().now().getTime() - Date.now())).toBeLessThan(50);
});
