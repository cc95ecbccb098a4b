// The e2e suite in two vitest runs side by side: `e2e-long` (the half-up sites' 3-minute observations, idle most of
// the time, then a few short files; see vitest.config.ts) beside `e2e` (every other file, one at a time), so the long
// watch costs the suite little wall time.
// The long run's output is held back and printed after the other's, so the two do not interleave. Exits non-zero if
// either run failed. Extra arguments (e.g. a file filter) go to both runs.
import { spawn } from 'node:child_process';

const extra = process.argv.slice(2);
const vitest = (project, stdio) => spawn('npx', ['--no-install', 'vitest', 'run', '--project', project, '--passWithNoTests', ...extra], { stdio });

const long = vitest('e2e-long', ['ignore', 'pipe', 'pipe']);
const held = [];
long.stdout.on('data', (chunk) => held.push(chunk));
long.stderr.on('data', (chunk) => held.push(chunk));
const longDone = new Promise((resolve) => long.on('close', resolve));

const rest = vitest('e2e', 'inherit');
const restCode = await new Promise((resolve) => rest.on('close', resolve));
const longCode = await longDone;
process.stdout.write(Buffer.concat(held));
console.log(`e2e: ${restCode === 0 ? 'passed' : `failed (${restCode})`}; e2e-long: ${longCode === 0 ? 'passed' : `failed (${longCode})`}`);
process.exit(restCode === 0 && longCode === 0 ? 0 : 1);
