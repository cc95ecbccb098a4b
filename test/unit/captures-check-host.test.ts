/**
 * Real check-host.net `check-result` answers (`test/fixtures/check-host/`, sources in its SOURCES.md) through the real
 * readers, against the answer a careful person gives: the vote, and the addresses the nodes reached.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeAddress, readNode, voteNodes } from '../../src/status/providers/check-host';
import { collectAddresses, type Verdict } from '../../src/status/verdict';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/check-host');
const T = 1_700_000_000_000;

/** Reads a check-result map as the provider does once it stops polling. */
function read(name: string) {
  const map = JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Record<string, unknown>;
  const values = Object.values(map);
  return voteNodes(values.map(readNode), values.length, T, undefined, collectAddresses(values.map(nodeAddress)));
}

const CASES: readonly { file: string; verdict: Verdict; up: number; down: number; addresses?: readonly string[] }[] = [
  { file: 'api-doc-result-301.json', verdict: 'unknown', up: 1, down: 0 },
  { file: 'api-doc-result-ping.json', verdict: 'unknown', up: 0, down: 0 },
  { file: 'client-result-two-nodes-ip.json', verdict: 'unknown', up: 2, down: 0, addresses: ['94.242.206.94'] },
  { file: 'client-result-three-nodes-ip.json', verdict: 'up-elsewhere', up: 2, down: 1, addresses: ['94.242.206.94'] },
];

describe('check-host captures', () => {
  it.each(CASES)('$file → $verdict', ({ file, verdict, up, down, addresses }) => {
    const r = read(file);
    expect(r.verdict).toBe(verdict);
    expect({ up: r.locations?.up, down: r.locations?.down }).toEqual({ up, down });
    expect(r.addresses).toEqual(addresses);
  });
});
