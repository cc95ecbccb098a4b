/**
 * "Copy as curl" (`src/view/curl-command.ts`): the command quotes any address so that a POSIX shell reads it back as
 * exactly one word, whatever the address holds. Proved with the real `sh` (Debian's dash) over hostile addresses: the
 * shell's own reading of the command must be the expected words, and nothing else runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { curlCommand, curlUrl, shellQuote } from '../../src/view/curl-command';

/** The words `sh` reads from `command` with `curl` swapped for a printer of its arguments, one per line, NUL-ended. */
function wordsOf(command: string): string[] {
  expect(command.startsWith('curl ')).toBe(true);
  // Runs nothing but printf: if any quoting broke, the extra command (`touch`, `$(...)`) would show up as a word or
  // as output, or create the file the test looks for.
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${command.slice('curl '.length)}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

/** A file the hostile addresses try to create; it must never exist. */
const dir = mkdtempSync(join(tmpdir(), 'curl-quote-'));
const MARKER = join(dir, 'pwned');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// `$IFS` rather than a space (which the URL parser encodes): `touch$IFS<file>` splits into two words when unquoted.
const NASTY = [
  "http://shop.example.com/it's",
  `http://shop.example.com/'$(touch$IFS${MARKER})'`,
  `http://shop.example.com/a';touch$IFS${MARKER};echo$IFS'`,
  "http://shop.example.com/'\\''",
  `http://shop.example.com/?q=$(touch\${IFS}${MARKER})`,
  `http://shop.example.com/\`touch$IFS${MARKER}\``,
  'http://shop.example.com/?q=${HOME}&r=$PATH',
  'http://shop.example.com/a"b"c',
  'http://shop.example.com/a\nb\rc\td', // the URL parser drops tabs and newlines
  'http://shop.example.com/ a|b>c<d&e;f',
  'http://shop.example.com/[1-9]{a,b}*?',
  'http://shop.example.com/\u202Egnp.exe',
  'http://shop.example.com/\\\\server\\share',
  "http://shop.example.com/?q='''''",
  'http://shop.example.com/%27%00%0a',
  'http://[::1]:8080/',
  'http://xn--bcher-kva.example/bücher',
];

describe('shellQuote', () => {
  it.each(["plain", "it's", "'", "''", "\\'", '$(x)', '`x`', '"', 'a\nb', ' a  b ', '!', '*', '~'])('%j reads back as itself in sh', (s) => {
    const out = execFileSync('sh', ['-c', `printf '%s' ${shellQuote(s)}`], { encoding: 'utf8' });
    expect(out).toBe(s);
  });
});

describe('curlCommand', () => {
  it('GET with the cache bypassed, headers to stdout, body discarded, the address taken literally', () => {
    expect(curlCommand({ url: 'http://shop.example.com:8080/cart?id=1' })).toBe(
      "curl -sS -D - -o /dev/null --globoff -H 'Cache-Control: no-cache' 'http://shop.example.com:8080/cart?id=1'",
    );
  });

  it('asks the server the browser reached: --resolve host:port:address (IPv6 in brackets), never for an IP host', () => {
    expect(curlCommand({ url: 'https://shop.example.com/', serverAddress: '203.0.113.5' })).toContain("--resolve 'shop.example.com:443:203.0.113.5'");
    expect(curlCommand({ url: 'http://shop.example.com:81/', serverAddress: '2001:db8::1' })).toContain("--resolve 'shop.example.com:81:[2001:db8::1]'");
    expect(curlCommand({ url: 'http://127.0.0.1:81/', serverAddress: '127.0.0.1' })).not.toContain('--resolve');
    expect(curlCommand({ url: 'http://[::1]:81/', serverAddress: '::1' })).not.toContain('--resolve');
    expect(curlCommand({ url: 'http://shop.example.com/', serverAddress: "1.2.3.4'; rm -rf ~; '" })).not.toContain('--resolve');
  });

  it('never carries credentials or a fragment; only http(s)', () => {
    expect(curlUrl('https://user:pa55@shop.example.com/a#frag')).toBe('https://shop.example.com/a');
    expect(curlUrl('file:///etc/passwd')).toBeNull();
    expect(curlUrl('javascript:alert(1)')).toBeNull();
    expect(curlUrl('not a url')).toBeNull();
    const command = curlCommand({ url: 'https://user:pa55@shop.example.com/' })!;
    expect(command).not.toMatch(/pa55|user|Cookie|Authorization|-d |--data|-X/);
  });

  it.each(NASTY)('hostile address %j: sh reads exactly the expected words, and runs nothing', (nasty) => {
    const command = curlCommand({ url: nasty, serverAddress: '127.0.0.1' });
    const url = curlUrl(nasty);
    expect(url).not.toBeNull();
    expect(command).not.toBeNull();
    const words = wordsOf(command!);
    const resolve = new URL(url!).hostname.startsWith('[') ? [] : ['--resolve', `${new URL(url!).hostname}:${new URL(url!).port || '80'}:127.0.0.1`];
    expect(words).toEqual(['-sS', '-D', '-', '-o', '/dev/null', '--globoff', '-H', 'Cache-Control: no-cache', ...resolve, url]);
    // The address is the browser's, as the WHATWG parser serialises it: printable ASCII only.
    expect(url).toMatch(/^[\x21-\x7e]+$/);
  });

  it('nothing the hostile addresses tried to run ran; naive quoting would have run it (the check can fail)', () => {
    for (const nasty of NASTY) execFileSync('sh', ['-c', `printf '%s' ${curlCommand({ url: nasty })!.slice('curl '.length)} >/dev/null`]);
    expect(existsSync(MARKER)).toBe(false);
    const url = curlUrl(NASTY[1]!)!;
    execFileSync('sh', ['-c', `printf '%s' '${url}' >/dev/null`]);
    expect(existsSync(MARKER)).toBe(true);
  });
});
