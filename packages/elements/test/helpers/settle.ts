import type sinon from 'sinon';

/** One real macrotask (not a timer, so it works under fake timers). */
export function realTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(undefined);
  });
}

/**
 * Lets promise chains settle: stubbed fetches, body parsing (which takes real tasks), Lit updates, lazy chunks.
 * Under fake timers it also runs timers due now, never moving the clock.
 */
export async function settle(clock?: sinon.SinonFakeTimers, rounds = 8): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    if (clock) await clock.tickAsync(0);
    await realTask();
  }
}

/** Advances the fake clock, then lets what the timers started finish. */
export async function advance(clock: sinon.SinonFakeTimers, ms: number): Promise<void> {
  await clock.tickAsync(ms);
  await settle(clock);
}
