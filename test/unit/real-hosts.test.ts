/**
 * Real host names (`test/fixtures/hosts/`, sources in its SOURCES.md) against the answer a careful person gives:
 * is the name private, may status pages be guessed from it, and does the user's never-send list withhold it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STATUS_ENDPOINTS } from '../../src/settings/settings';
import * as host from '../../src/status/host';
import { statusPageCandidates } from '../../src/status/providers/status-page';

interface HostCase {
  readonly id: string;
  readonly host: string;
  readonly private: boolean;
  readonly statusPageDomain: string | null;
  readonly neverSend?: readonly string[];
  readonly withheld?: boolean;
}

const CASES: HostCase[] = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../fixtures/hosts/cases.json'), 'utf8'));

beforeAll(host.loadPublicSuffixList);

describe('real host names', () => {
  it('has the cases the SOURCES.md lists, each once', () => {
    const sources = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../fixtures/hosts/SOURCES.md'), 'utf8');
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
    for (const c of CASES) expect(sources, c.id).toContain(c.id);
  });

  it.each(CASES)('$id: $host', (c) => {
    expect(host.isPrivateHost(c.host), 'private').toBe(c.private);
    const guess = statusPageCandidates(c.host, DEFAULT_STATUS_ENDPOINTS.statusPageTemplates);
    expect(guess?.domain ?? null, 'status-page domain').toBe(c.statusPageDomain);
    // Whatever is guessed comes from the registrable domain alone: never a tailnet, a user page or an address.
    for (const base of guess?.bases ?? []) expect(base, 'a guess').toMatch(new RegExp(`^https://(status\\.${c.statusPageDomain!.replaceAll('.', '\\.')}|[a-z0-9-]+status\\.com|[a-z0-9-]+\\.statuspage\\.io)$`));
    if (c.neverSend !== undefined) expect(host.isWithheldHost(c.host, c.neverSend), 'withheld with the list').toBe(c.withheld);
  });
});
