import { describe, expect, it } from 'vitest';
import {
  type Evaluation,
  formatMs,
  type RulePolicy,
  RuleState,
  type RuleTransition,
  replayRule,
} from './rule-state.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 8, 1);

/**
 * A recorded series of evaluations every 15 minutes: `pattern` has one character per evaluation,
 * `x` a breach, `.` normal, `_` missing (no value).
 */
function recorded(pattern: string, group = '', stepMs = 15 * MIN): Evaluation[] {
  return [...pattern].map((c, i) => ({
    t: T0 + i * stepMs,
    group,
    breach: c === 'x',
    value: c === '_' ? Number.NaN : c === 'x' ? 10 : 100,
    score: c === 'x' ? 0.8 : 0.1,
    expected: 100,
  }));
}

/** Transitions as `index:from>to` (the evaluation index at 15-minute steps), for compact assertions. */
function summary(transitions: readonly RuleTransition[], stepMs = 15 * MIN): string[] {
  return transitions.map((e) => `${(e.t - T0) / stepMs}:${e.from}>${e.to}`);
}

const thirtyMinutes: RulePolicy = { for: { kind: 'duration', ms: 30 * MIN }, cooldownMs: 0, recovery: 2 };

describe('alert rule state machine', () => {
  it('a short blip goes pending and back to ok without firing', () => {
    const events = replayRule(thirtyMinutes, recorded('...xx....'));
    // Breaches at 3 and 4 (15 minutes apart) never reach the 30 minutes of `for`.
    expect(summary(events)).toEqual(['3:ok>pending', '5:pending>ok']);
    expect(events[1]!.reason).toMatch(/after 2 breaching evaluation\(s\)/);
  });

  it('a sustained breach fires once when it has held for `for`, then resolves after `recovery` normals', () => {
    const events = replayRule(thirtyMinutes, recorded('..xxxxxxx.x..x...'));
    // Pending at 2; 30 minutes later (index 4) it fires; a single normal at 9 does not resolve it
    // (recovery 2), the breach at 10 resets the streak; 11 and 12 are normal: resolved at 12. With no
    // cooldown the next evaluation returns it to ok, and the breach at 13 is a new pending.
    expect(summary(events)).toEqual([
      '2:ok>pending',
      '4:pending>firing',
      '12:firing>resolved',
      '13:resolved>ok',
      '13:ok>pending',
      '14:pending>ok',
    ]);
    expect(events.filter((e) => e.to === 'firing')).toHaveLength(1);
    expect(events[1]!.reason).toBe('breach held for 30m: value 10 (expected 100), score 0.8');
    expect(events[2]!.reason).toBe('2 consecutive normal evaluation(s) after firing for 2h');
  });

  it('`for` as a number counts consecutive breaching evaluations; 1 fires at the first', () => {
    const three: RulePolicy = { for: { kind: 'evaluations', count: 3 }, cooldownMs: 0, recovery: 1 };
    expect(summary(replayRule(three, recorded('.xxx.')))).toEqual([
      '1:ok>pending',
      '3:pending>firing',
      '4:firing>resolved',
    ]);
    const one: RulePolicy = { for: { kind: 'evaluations', count: 1 }, cooldownMs: 0, recovery: 1 };
    expect(summary(replayRule(one, recorded('.x.')))).toEqual(['1:ok>firing', '2:firing>resolved']);
  });

  it('a cooldown after a resolution holds a new breach in pending until it ends, then fires', () => {
    const policy: RulePolicy = { for: { kind: 'evaluations', count: 1 }, cooldownMs: 60 * MIN, recovery: 1 };
    // Fires at 1, resolves at 2 (cooldown until index 6); the breach at 3-4 stays pending and drops back
    // to resolved; the breach from 5 on fires at 6, the first evaluation the cooldown allows.
    const events = replayRule(policy, recorded('.x.xx.xxx'));
    expect(summary(events)).toEqual([
      '1:ok>firing',
      '2:firing>resolved',
      '3:resolved>pending',
      '5:pending>resolved',
      '6:resolved>ok',
      '6:ok>firing',
    ]);
    expect(events[2]!.reason).toBe('breach during the cooldown (until 2026-09-01T01:30:00Z)');
    expect(events[4]!.reason).toBe('cooldown of 1h over');
  });

  it('without a cooldown the same sequence fires twice', () => {
    const policy: RulePolicy = { for: { kind: 'evaluations', count: 1 }, cooldownMs: 0, recovery: 1 };
    const fired = replayRule(policy, recorded('.x.xx.xxx')).filter((e) => e.to === 'firing');
    expect(fired.map((e) => (e.t - T0) / (15 * MIN))).toEqual([1, 3, 6]);
  });

  it('groups keep their own state: a breach in one group does not move the other', () => {
    const a = recorded('.xxx....', 'os=Android');
    const b = recorded('........', 'os=iOS');
    const interleaved = a.flatMap((e, i) => [e, b[i]!]);
    const state = new RuleState(thirtyMinutes);
    const events = interleaved.flatMap((e) => state.evaluate(e));
    expect(events.every((e) => e.group === 'os=Android')).toBe(true);
    // Without a cooldown, resolved returns to ok at the next evaluation.
    expect(summary(events)).toEqual([
      '1:ok>pending',
      '3:pending>firing',
      '5:firing>resolved',
      '6:resolved>ok',
    ]);
    expect(state.status('os=iOS')).toBe('ok');
    expect(state.groups.get('os=Android')!.lastT).toBe(T0 + 7 * 15 * MIN);
    expect(state.status('os=Windows')).toBe('ok');
  });

  it('missing evaluations neither breach nor recover: count-based `for` waits, a duration keeps running', () => {
    const count: RulePolicy = { for: { kind: 'evaluations', count: 2 }, cooldownMs: 0, recovery: 2 };
    // x _ _ x: the two breaches are consecutive evaluations with values, so it fires at 3; then
    // . _ . resolves at 6: the missing one does not break the recovery streak.
    expect(summary(replayRule(count, recorded('x__x._.')))).toEqual([
      '0:ok>pending',
      '3:pending>firing',
      '6:firing>resolved',
    ]);
    // A duration `for` is clock time since the first breach: the breach after a gap fires at once.
    expect(summary(replayRule(thirtyMinutes, recorded('x___x')))).toEqual([
      '0:ok>pending',
      '4:pending>firing',
    ]);
    // Missing values alone never change anything.
    expect(replayRule(thirtyMinutes, recorded('______'))).toEqual([]);
  });

  it('refuses evaluations that go back in time, a broken invariant of the caller', () => {
    const state = new RuleState(thirtyMinutes);
    state.evaluate({ t: T0 + MIN, breach: false, value: 1, score: 0, expected: 1 });
    expect(() => state.evaluate({ t: T0, breach: false, value: 1, score: 0, expected: 1 })).toThrow(
      /out of order/,
    );
  });

  it('formats durations as people write them', () => {
    expect(formatMs(30 * MIN)).toBe('30m');
    expect(formatMs(90 * MIN)).toBe('1h30m');
    expect(formatMs(48 * 60 * MIN)).toBe('2d');
    expect(formatMs(60 * 60 * MIN)).toBe('60h');
  });
});
