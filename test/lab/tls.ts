/**
 * A throwaway self-signed certificate for the e2e suite's HTTPS sites: what some browser features need a secure
 * site for (partitioned cookies, CHIPS, are `Secure` by rule). Made with Debian's `openssl`; the browsers under test
 * are told to accept it (Chromium `--ignore-certificate-errors`, Firefox `acceptInsecureCerts`).
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './binaries';
import { removeDirQuietly, trackForExitCleanup } from './cleanup';

/** Debian's OpenSSL command line (package `openssl`). */
export const OPENSSL_PATH = '/usr/bin/openssl';

export interface TestCertificate {
  /** PEM certificate, for nginx's `ssl_certificate`. */
  readonly certPath: string;
  /** PEM private key (unencrypted), for `ssl_certificate_key`. */
  readonly keyPath: string;
  /** Removes both files. Idempotent. */
  remove(): void;
}

/**
 * Makes a self-signed certificate valid for `hosts` (subjectAltName DNS names) for 2 days.
 *
 * @throws Error `openssl is not installed: apt-get install -y openssl ...` if the command is missing, or when
 *   `openssl` fails
 */
export function createTestCertificate(hosts: readonly string[]): TestCertificate {
  const openssl = requireBinary(OPENSSL_PATH, 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'e2e-tls-'));
  const untrack = trackForExitCleanup({ dir });
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    openssl,
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=gateway-recovery e2e', '-addext', `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return {
    certPath,
    keyPath,
    remove() {
      untrack();
      removeDirQuietly(dir);
    },
  };
}

let suiteCertificate: TestCertificate | undefined;

/**
 * One certificate per test process for the suite's guessed status pages (`status.example.com`,
 * `status.example.org`): the extension asks a guessed status page only over `https:`, so their stand-ins speak TLS
 * with this. Made on first use, removed when the process exits.
 */
export function statusPageCertificate(): TestCertificate {
  suiteCertificate ??= createTestCertificate(['status.example.com', 'status.example.org', 'status.example.net']);
  return suiteCertificate;
}
