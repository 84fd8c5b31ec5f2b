// Runs the package tests again on other Node versions: `node scripts/node-versions.mjs 22 24`.
//
// Each Node comes from the npm registry (the `node-<platform>-<arch>` packages hold the
// official binaries), kept in ~/.cache/resumable/node/<version>, so a machine that
// reaches only package registries can run it, and later runs reuse the binary. The
// tests run as `pnpm test` runs them (vitest, the same projects and global setup),
// on the packages' built code and sources; build first (`pnpm build`).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The release of each major line this script tests (bump deliberately). */
const RELEASES = { 20: '20.20.2', 22: '22.23.5', 24: '24.22.3' };
/** The published packages' test projects (not the example app, the soak or the repo checks). */
const PROJECTS = ['protocol', 'sse-publisher', 'workflow-state', 'recovery-manager', 'recovery-server', 'react-hooks'];

const ROOT = resolve(import.meta.dirname, '..');
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'resumable', 'node');

/** The binary of `version`, fetched from the registry once. */
function nodeBinary(version) {
  const dir = join(CACHE, version);
  const binary = join(dir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(binary)) return binary;
  const name = `node-${process.platform}-${process.arch}@${version}`;
  console.log(`[node-versions] fetching ${name} from the npm registry`);
  const work = mkdtempSync(join(tmpdir(), 'resumable-node-'));
  try {
    const tarball = execFileSync('npm', ['pack', name, '--silent'], { cwd: work, encoding: 'utf8' })
      .trim()
      .split('\n')
      .at(-1);
    execFileSync('tar', ['xzf', tarball], { cwd: work });
    mkdirSync(CACHE, { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(work, 'package'), dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}

const majors = process.argv.slice(2);
if (majors.length === 0 || majors.some((major) => !(major in RELEASES))) {
  console.error(`usage: node scripts/node-versions.mjs <major>… (one of ${Object.keys(RELEASES).join(', ')})`);
  process.exit(2);
}
const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const failed = [];
for (const major of majors) {
  const node = nodeBinary(RELEASES[major]);
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`[node-versions] the package tests on Node ${version}`);
  const args = [vitest, 'run', ...PROJECTS.flatMap((project) => ['--project', project])];
  // The reporters of a CI run write one JSON file; a second run must not overwrite it.
  const result = spawnSync(node, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CI: '' } });
  if (result.status !== 0) failed.push(version);
}
if (failed.length > 0) {
  console.error(`[node-versions] failed on ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`[node-versions] passed on ${majors.map((major) => `Node ${RELEASES[major]}`).join(', ')}`);
