import { describe, expect, it } from 'vitest';
import { runCli } from './run';
import type { ClosableConnection, CommandIo } from './search-attributes';

/** Runs the CLI against an operator service over a map; collects what it prints and where it connected. */
async function cli(
  argv: string[],
  options: { existing?: string[]; env?: Record<string, string>; refuse?: Error } = {},
) {
  const attributes: Record<string, number> = Object.fromEntries((options.existing ?? []).map((name) => [name, 2]));
  const out: string[] = [];
  const err: string[] = [];
  const connected: { address: string; apiKey?: string }[] = [];
  const namespaces: string[] = [];
  let closed = 0;
  const io: Partial<CommandIo> = {
    out: (text) => void out.push(text),
    err: (text) => void err.push(text),
    env: options.env ?? {},
    connect: async (connection) => {
      connected.push({
        address: connection.address,
        ...(connection.apiKey ? { apiKey: String(connection.apiKey) } : {}),
      });
      const fake: ClosableConnection = {
        operatorService: {
          async listSearchAttributes({ namespace }) {
            namespaces.push(namespace);
            return { customAttributes: { ...attributes } };
          },
          async addSearchAttributes({ searchAttributes }) {
            if (options.refuse) throw options.refuse;
            Object.assign(attributes, searchAttributes);
            return {};
          },
        },
        close: async () => void closed++,
      };
      return fake;
    },
  };
  const code = await runCli(argv, io);
  return { code, out: out.join(''), err: err.join(''), connected, namespaces, closed, attributes };
}

describe('resumable-server search-attributes', () => {
  it('registers the missing ones in the namespace and address given, and closes the connection', async () => {
    const result = await cli(['search-attributes', '--address', 'temporal:7233', '--namespace', 'orders'], {
      existing: ['ResumablePaused', 'ResumablePausedAt'],
    });
    expect(result).toMatchObject({ code: 0, err: '', closed: 1, connected: [{ address: 'temporal:7233' }] });
    expect(result.namespaces[0]).toBe('orders');
    expect(result.out).toBe(
      'Registered ResumableWaitingFor (KeywordList), ResumablePausedTime (Datetime), ResumableTimeoutAt (Datetime) ' +
        'in the namespace "orders" on temporal:7233.\n',
    );
  });

  it('reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TEMPORAL_API_KEY; defaults to localhost:7233 and default', async () => {
    const fromEnv = await cli(['search-attributes'], {
      env: { TEMPORAL_ADDRESS: 'env:7233', TEMPORAL_NAMESPACE: 'env-ns', TEMPORAL_API_KEY: 'key' },
    });
    expect(fromEnv.connected).toEqual([{ address: 'env:7233', apiKey: 'key' }]);
    expect(fromEnv.namespaces[0]).toBe('env-ns');
    const defaults = await cli(['search-attributes']);
    expect(defaults.connected).toEqual([{ address: 'localhost:7233' }]);
    expect(defaults.namespaces[0]).toBe('default');
  });

  it('--check registers nothing and exits 1 with the message naming the missing ones and the command', async () => {
    const result = await cli(['search-attributes', '--check', '--namespace', 'orders'], {
      existing: ['ResumablePaused', 'ResumablePausedAt', 'ResumableWaitingFor', 'ResumablePausedTime'],
    });
    expect(result.code).toBe(1);
    expect(Object.keys(result.attributes)).not.toContain('ResumableTimeoutAt');
    expect(result.err).toMatch(
      /^Temporal namespace "orders" lacks Resumable's search attribute ResumableTimeoutAt: .*`npx -p @resumable\/recovery-server resumable-server search-attributes --address localhost:7233 --namespace orders`/,
    );
  });

  it('--check exits 0 when all are there; a second registration adds nothing', async () => {
    const all = [
      'ResumablePaused',
      'ResumablePausedAt',
      'ResumableWaitingFor',
      'ResumablePausedTime',
      'ResumableTimeoutAt',
    ];
    expect((await cli(['search-attributes', '--check'], { existing: all })).code).toBe(0);
    const again = await cli(['search-attributes'], { existing: all });
    expect(again.out).toBe(
      'The namespace "default" on localhost:7233 already has all of Resumable\'s search attributes; nothing to add.\n',
    );
  });

  it('says where it failed, with the Temporal Cloud hint on PERMISSION_DENIED', async () => {
    const denied = Object.assign(new Error('7 PERMISSION_DENIED: Request unauthorized.'), { code: 7 });
    const result = await cli(['search-attributes'], { refuse: denied });
    expect(result.code).toBe(1);
    expect(result.err).toContain('the namespace "default" on localhost:7233 refused: 7 PERMISSION_DENIED');
    expect(result.err).toContain('tcld namespace search-attributes add');
  });

  it('answers --help on stdout with 0, and a wrong option or command with usage and 2', async () => {
    const help = await cli(['search-attributes', '--help']);
    expect([help.code, help.connected]).toEqual([0, []]);
    expect(help.out).toContain('--address <host:port>');
    expect((await cli(['--help'])).out).toMatch(/^Usage: resumable-server <command>/);
    const wrong = await cli(['search-attributes', '--adress', 'x']);
    expect([wrong.code, wrong.connected]).toEqual([2, []]);
    expect(wrong.err).toContain("Unknown option '--adress'");
    expect((await cli(['nonsense'])).code).toBe(2);
    expect((await cli([])).code).toBe(2);
  });
});
