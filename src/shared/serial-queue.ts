/**
 * One-at-a-time work: the read-modify-write cycles on browser storage (state, history, status memory) must
 * not interleave, or one write would undo another that read the same old value.
 */

/** Runs tasks one at a time; see {@link createSerialQueue}. */
export interface SerialQueue {
  /**
   * Runs `task` once every task handed in before it has settled.
   *
   * @returns a promise that settles as `task`'s own does (its value, or its error)
   */
  run<T>(task: () => T | PromiseLike<T>): Promise<T>;
}

/**
 * A queue that runs tasks one at a time, in the order they were handed in. A task that fails (throws or rejects)
 * does not stop the ones after it: its error goes to its own caller only.
 */
export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => T | PromiseLike<T>): Promise<T> {
      const result = tail.then(task);
      // The next task waits for this one to settle, whatever its outcome; `tail` itself never rejects.
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
