import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../src/messages';

describe('parseEnvelope: valid messages', () => {
  it('accepts getTabView', () => {
    expect(parseEnvelope({ type: 'getTabView', payload: { tabId: 12 } })).toEqual({
      ok: true,
      envelope: { type: 'getTabView', payload: { tabId: 12 } },
    });
  });

  it('accepts retryNow', () => {
    expect(parseEnvelope({ type: 'retryNow', payload: { tabId: 0 } })).toEqual({
      ok: true,
      envelope: { type: 'retryNow', payload: { tabId: 0 } },
    });
  });

  it('accepts stopRetrying', () => {
    expect(parseEnvelope({ type: 'stopRetrying', payload: { incidentId: 'incident-abc-123' } })).toEqual({
      ok: true,
      envelope: { type: 'stopRetrying', payload: { incidentId: 'incident-abc-123' } },
    });
  });

  it('accepts an incidentId of 200 characters', () => {
    const incidentId = 'i'.repeat(200);
    expect(parseEnvelope({ type: 'stopRetrying', payload: { incidentId } })).toEqual({
      ok: true,
      envelope: { type: 'stopRetrying', payload: { incidentId } },
    });
  });

  it('accepts the largest safe tab id', () => {
    expect(parseEnvelope({ type: 'retryNow', payload: { tabId: Number.MAX_SAFE_INTEGER } })).toMatchObject({ ok: true });
  });

  it('drops unknown payload keys and envelope fields', () => {
    const r = parseEnvelope({ type: 'retryNow', payload: { tabId: 3, evil: true }, extra: 1 });
    expect(r).toEqual({ ok: true, envelope: { type: 'retryNow', payload: { tabId: 3 } } });
  });
});

describe('parseEnvelope: rejected messages', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'getTabView'],
    ['a number', 1],
    ['a boolean', true],
    ['a function', () => ({ type: 'retryNow', payload: { tabId: 1 } })],
  ])('rejects %s as not an object', (_what, raw) => {
    expect(parseEnvelope(raw)).toEqual({ ok: false, error: 'message is not an object' });
  });

  it.each(['reloadAll', 'GetTabIncident', 'gettabincident', 'retryNow ', ''])('rejects the unknown type %j', (type) => {
    expect(parseEnvelope({ type, payload: { tabId: 1 } })).toEqual({
      ok: false,
      error: `unknown message type ${JSON.stringify(type)}`,
    });
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'])(
    'rejects the Object.prototype name %j as a type',
    (type) => {
      expect(parseEnvelope({ type, payload: { tabId: 1 } })).toEqual({
        ok: false,
        error: `unknown message type ${JSON.stringify(type)}`,
      });
    },
  );

  it('rejects an own __proto__ key used as the type (JSON.parse makes it own)', () => {
    const raw: unknown = JSON.parse('{"type":"__proto__","payload":{"tabId":1}}');
    expect(parseEnvelope(raw)).toMatchObject({ ok: false });
  });

  it.each([
    ['a missing type', {}, 'unknown message type undefined'],
    ['a numeric type', { type: 1 }, 'unknown message type 1'],
    ['a null type', { type: null }, 'unknown message type null'],
    ['an array type', { type: ['retryNow'] }, 'unknown message type ["retryNow"]'],
  ])('rejects %s', (_what, raw, error) => {
    expect(parseEnvelope(raw)).toEqual({ ok: false, error });
  });

  it('rejects an array envelope', () => {
    expect(parseEnvelope(['retryNow', { tabId: 1 }])).toEqual({ ok: false, error: 'unknown message type undefined' });
  });

  it('caps the echoed type in the error at 40 characters', () => {
    const r = parseEnvelope({ type: 'x'.repeat(1_000) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(`unknown message type "${'x'.repeat(39)}`);
  });

  it.each([
    ['a negative tab id', { tabId: -1 }],
    ['a fractional tab id', { tabId: 1.5 }],
    ['NaN', { tabId: Number.NaN }],
    ['Infinity', { tabId: Number.POSITIVE_INFINITY }],
    ['a string tab id', { tabId: '3' }],
    ['a null tab id', { tabId: null }],
    ['a missing tab id', {}],
    ['a payload that is a number', 3],
    ['a payload that is null', null],
    ['no payload', undefined],
  ])('rejects getTabView with %s', (_what, payload) => {
    const r = parseEnvelope({ type: 'getTabView', payload });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.startsWith('getTabView: ')).toBe(true);
  });

  it.each([
    ['a negative tab id', { tabId: -3 }],
    ['a fractional tab id', { tabId: 0.1 }],
    ['an incidentId instead', { incidentId: 'incident-1' }],
  ])('rejects retryNow with %s', (_what, payload) => {
    const r = parseEnvelope({ type: 'retryNow', payload });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.startsWith('retryNow: ')).toBe(true);
  });

  it.each([
    ['a numeric incidentId', { incidentId: 5 }],
    ['a tabId instead', { tabId: 1 }],
    ['an incidentId over 200 characters', { incidentId: 'i'.repeat(201) }],
    ['no payload', undefined],
  ])('rejects stopRetrying with %s', (_what, payload) => {
    const r = parseEnvelope({ type: 'stopRetrying', payload });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.startsWith('stopRetrying: ')).toBe(true);
  });

  // Firefox delivers runtime messages by structured clone, which carries BigInt values and cyclic objects, and the
  // function promises never to throw: both must come back as { ok: false }, not as an exception.
  it('rejects a BigInt type without throwing', () => {
    let result: ReturnType<typeof parseEnvelope> | undefined;
    expect(() => {
      result = parseEnvelope({ type: 1n, payload: { tabId: 1 } });
    }).not.toThrow();
    expect(result).toMatchObject({ ok: false });
  });

  it('rejects a cyclic object as the type without throwing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let result: ReturnType<typeof parseEnvelope> | undefined;
    expect(() => {
      result = parseEnvelope({ type: cyclic, payload: { tabId: 1 } });
    }).not.toThrow();
    expect(result).toMatchObject({ ok: false });
  });
});

describe('parseEnvelope: the history messages', () => {
  it.each(['getHistory', 'clearHistory'] as const)('accepts %s with an empty payload, and drops anything in it', (type) => {
    expect(parseEnvelope({ type, payload: {} })).toEqual({ ok: true, envelope: { type, payload: {} } });
    expect(parseEnvelope({ type, payload: { all: true } })).toEqual({ ok: true, envelope: { type, payload: {} } });
  });

  it.each(['getHistory', 'clearHistory'])('rejects %s without a payload object', (type) => {
    for (const payload of [undefined, null, 'all', 1]) expect(parseEnvelope({ type, payload })).toMatchObject({ ok: false });
  });
});
