import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIN_USAGE } from '../src/usage';

const BIN = resolve(import.meta.dirname, '../dist/bin.js');

describe('the built bin (run `pnpm --filter @resumable/cli build` first)', () => {
  it('is an executable ES module that keeps its shebang', () => {
    expect(existsSync(BIN), `${BIN} is missing`).toBe(true);
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(() => accessSync(BIN, constants.X_OK)).not.toThrow();
  });

  it('runs as a command in a terminal: --help exits 0, bad usage 64 without a stack', () => {
    const help = spawnSync('script', ['-qefc', `${BIN} --help`, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
    expect(help.status).toBe(0);
    expect(help.stdout.replace(/\r\n/g, '\n')).toBe(MAIN_USAGE);
    const bad = spawnSync(BIN, ['tail', 'task-1', '--since', 'soon'], { encoding: 'utf8', timeout: 30_000 });
    expect(bad.status).toBe(64);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      'resumable: --since must be a non-negative integer, not "soon" [USAGE]\nRun "resumable tail --help" for usage.\n',
    );
  });
});
