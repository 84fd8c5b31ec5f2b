#!/usr/bin/env node
// The `resumable-server` bin: `npx resumable-server search-attributes --namespace default`.
import { runCli } from './run';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`resumable-server: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
