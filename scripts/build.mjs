// Builds dist/chrome and dist/firefox from the one manifest template, then the store zips in dist/zips.
import { build } from 'vite';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';


for (const target of ['chrome', 'firefox']) {
  process.env.TARGET = target;
  await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
  console.log(`built dist/${target}`);
}
rmSync('dist/zips', { recursive: true, force: true });
mkdirSync('dist/zips', { recursive: true });
for (const target of ['chrome', 'firefox']) {
  const name = `gateway-recovery-${target}.zip`;
  execFileSync('npx', ['--no-install', 'web-ext', 'build', '-s', `dist/${target}`, '-a', 'dist/zips', '-n', name, '--overwrite-dest'], {
    stdio: 'ignore',
  });
  console.log(`zipped dist/zips/gateway-recovery-${target}.zip`);
}
