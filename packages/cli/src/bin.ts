#!/usr/bin/env node
// The `resumable` command: `resumable tail <taskId>`, `resumable paused …`; see `resumable --help`.
import { runCli } from './run';

const controller = new AbortController();
let interrupts = 0;
const onInterrupt = () => {
  // The first Ctrl-C stops the command cleanly; a second one does not wait for that.
  if (interrupts++ > 0) process.exit(130);
  controller.abort();
};
process.on('SIGINT', onInterrupt);

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
  // Nothing may keep a finished command alive (a socket the server keeps open).
  process.stdout.write('', () => process.exit(code));
});
