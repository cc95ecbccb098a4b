import { describe, expect, it } from 'vitest';
import { createSerialQueue } from '../../src/shared/serial-queue';

/** A promise with its resolve and reject in hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createSerialQueue', () => {
  it('starts a task only once the one before it has settled', async () => {
    const queue = createSerialQueue();
    const log: string[] = [];
    const first = deferred<void>();
    const a = queue.run(async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
    });
    const b = queue.run(() => {
      log.push('b');
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    first.resolve();
    await Promise.all([a, b]);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('runs tasks in the order they were handed in', async () => {
    const queue = createSerialQueue();
    const order: number[] = [];
    await Promise.all([3, 1, 2].map((ms, i) => queue.run(() => new Promise<void>((r) => setTimeout(() => (order.push(i), r()), ms)))));
    expect(order).toEqual([0, 1, 2]);
  });

  it("settles with each task's own value", async () => {
    const queue = createSerialQueue();
    const [x, y] = await Promise.all([queue.run(async () => 'x'), queue.run(() => 42)]);
    expect(x).toBe('x');
    expect(y).toBe(42);
  });

  it('a failed task rejects its own promise and does not stop later ones', async () => {
    const queue = createSerialQueue();
    const failed = queue.run(async () => {
      throw new Error('boom');
    });
    const thrown = queue.run(() => {
      throw new Error('sync boom');
    });
    const after = queue.run(async () => 'still runs');
    await expect(failed).rejects.toThrow('boom');
    await expect(thrown).rejects.toThrow('sync boom');
    await expect(after).resolves.toBe('still runs');
  });

  it('two queues do not wait for each other', async () => {
    const one = createSerialQueue();
    const two = createSerialQueue();
    const never = one.run(() => new Promise<void>(() => undefined));
    await expect(two.run(async () => 'free')).resolves.toBe('free');
    void never;
  });
});
