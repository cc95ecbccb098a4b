/**
 * Real status-page answers (test/fixtures/status-pages/, sources in SOURCES.md) through the real vendor readers and
 * `pageReport`, against the verdict a careful person gives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageReport, VENDORS } from '../../src/status/providers/status-page';
import cases from '../fixtures/status-pages/cases.json';

const DIR = join(__dirname, '../fixtures/status-pages');

describe('real status pages', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const json: unknown = JSON.parse(readFileSync(join(DIR, c.file), 'utf8'));
    const vendor = VENDORS.find((x) => x.vendor === c.vendor)!;
    const state = vendor.read(json);
    if (typeof state === 'object') throw new Error(`unreadable: ${state.invalid}`);
    expect(pageReport('statusPage', state, 'status.example', 'https://status.example', 0).verdict).toBe(c.careful);
  });
});
