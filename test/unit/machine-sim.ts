/**
 * The incident machine driven by a fake clock, for the unit tests of its rules: events go in through `send`, the
 * clock moves only by `wake` (to the next scheduled step) or `advance`, and every effect is kept in `all`.
 */
import { EMPTY_STATE, nextWake, reduce, type Effect, type Incident, type RecoveryEvent, type RecoveryState } from '../../src/recovery/incident-machine';
import { DEFAULT_POLICY, createSeededRandom, type RecoveryPolicy } from '../../src/recovery/schedule';

export interface MachineSimOptions {
  readonly policy?: Partial<RecoveryPolicy>;
  /** Seed of the jitter's random numbers. Default 1. */
  readonly seed?: number;
  /** The clock's start, epoch ms. Default 1_700_000_000_000. */
  readonly start?: number;
}

export function createMachineSim(options: MachineSimOptions = {}) {
  let state: RecoveryState = structuredClone(EMPTY_STATE);
  let now = options.start ?? 1_700_000_000_000;
  let neverRetry: readonly string[] = [];
  let pausedUntil: number | undefined;
  const random = createSeededRandom(options.seed ?? 1);
  const all: Effect[] = [];
  const policy: RecoveryPolicy = { ...DEFAULT_POLICY, ...options.policy };
  return {
    get state() {
      return state;
    },
    get now() {
      return now;
    },
    all,
    /** The never-retry list the machine is given from now on. */
    setNeverRetry(list: readonly string[]) {
      neverRetry = list;
    },
    /** The end of the user's pause the machine is given from now on, epoch ms; `undefined`: none. */
    setPausedUntil(until: number | undefined) {
      pausedUntil = until;
    },
    send(event: RecoveryEvent): Effect[] {
      const paused = pausedUntil !== undefined && pausedUntil > now ? { pausedUntil } : {};
      const t = reduce(state, event, { now, policy, random, neverRetry, ...paused });
      state = t.state;
      all.push(...t.effects);
      return t.effects;
    },
    /** Advances the clock to the next wake and fires `due`. @throws Error when nothing is scheduled */
    wake(online = true): Effect[] {
      const at = nextWake(state, pausedUntil !== undefined && pausedUntil > now ? pausedUntil : undefined);
      if (at === null) throw new Error('nothing scheduled');
      now = Math.max(now, at);
      return this.send({ type: 'due', online });
    },
    /** Moves the clock on by `ms`, firing nothing. */
    advance(ms: number) {
      now += ms;
    },
    /** The newest incident. @throws Error when there is none */
    incident(): Incident {
      const i = state.incidents.at(-1);
      if (!i) throw new Error('no incident');
      return i;
    },
  };
}
