/** The `--help` texts, one per command. Kept in one place so the README can mirror them. */

const CONNECTION_OPTIONS = `  --url <base>        where the Resumable routes are mounted
                      (default: $RESUMABLE_URL, else http://127.0.0.1:3000/api, the example app)
  --token <token>     a bearer token minted by the app (default: $RESUMABLE_TOKEN; none: auth off)`;

/** `resumable --help`. */
export const MAIN_USAGE = `Usage: resumable <command> [options]

Follow Temporal workflows through a Resumable recovery server.

Commands:
  tail <taskId>                       follow a task's updates until its workflow ends
  paused                              list paused workflows
  paused resume <workflowId>          resume a paused workflow
  paused cancel <workflowId>          cancel a paused workflow
  help [command]                      show help for a command

Run \`resumable <command> --help\` for a command's options.
`;

/** `resumable tail --help`. */
export const TAIL_USAGE = `Usage: resumable tail <taskId> [options]

Follows a task's update stream until its workflow ends, exactly once and in order:
a cut connection resumes after the last update shown, gaps are filled from the
recovery endpoint. In a terminal it draws a progress bar under the updates; otherwise
it prints one plain line per update. Exits with the workflow's final status.

Options:
${CONNECTION_OPTIONS}
  --since <seq>       start after this sequence (default 0: from the first update)
  --json              one JSON line per update on stdout (the update as the server sent it)
  --ok <status>       a final status that counts as success (exit 0); repeatable
  --retry-for <s>     give up after this many seconds without a connection (default 30)
  -h, --help          show this help

Exit codes: 0 completed, 1 failed, 2 cancelled, 3 terminated, 4 timed out,
5 another final status, 64 bad usage, 65 refused, 66 no such task, 69 server
unreachable, 76 bad answer, 77 bad token or not allowed, 130 interrupted.
`;

/** `resumable paused --help`. */
export const PAUSED_USAGE = `Usage: resumable paused [options]
       resumable paused resume <workflowId> [--data <json>] [options]
       resumable paused cancel <workflowId> [--reason <text>] [options]

Lists workflows waiting at a pause point (id, where and for what they wait, since
when), or resumes or cancels one. The token needs the read, resume or cancel action.

Options:
${CONNECTION_OPTIONS}
  --json              print the list (or the server's answer) as JSON
  --data <json>       resume: the payload handed to the workflow
  --reason <text>     cancel: why (default: the server's "Cancelled by user")
  -h, --help          show this help

Exit codes: 0 done, 64 bad usage, 65 refused (e.g. not paused), 66 no such
workflow, 69 server unreachable, 76 bad answer, 77 bad token or not allowed.
`;
