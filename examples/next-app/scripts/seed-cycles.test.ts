import { describe, expect, it } from 'vitest';
import { parseSeedArgs, seedInputs, UsageError } from './seed-cycles';

describe('seed:cycles command line', () => {
  it('reads the flags, which win over the environment', () => {
    const env = { TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'env-ns', TEMPORAL_TASK_QUEUE: 'env-q' };
    expect(parseSeedArgs([], {})).toEqual({
      count: 36,
      speed: 0.2,
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'resumable-examples',
      json: false,
    });
    expect(parseSeedArgs([], env)).toMatchObject({ address: 'temporal:7233', namespace: 'env-ns', taskQueue: 'env-q' });
    expect(
      parseSeedArgs(
        [
          '--',
          '--count',
          '5',
          '--speed',
          '0.05',
          '--address',
          'h:1',
          '--namespace',
          'n',
          '--task-queue',
          'q',
          '--json',
        ],
        env,
      ),
    ).toEqual({ count: 5, speed: 0.05, address: 'h:1', namespace: 'n', taskQueue: 'q', json: true });
  });

  it.each([
    [['--count', '0'], '--count must be an integer from 1 to 500'],
    [['--count', '2.5'], '--count must be an integer'],
    [['--count', '501'], '--count must be an integer'],
    [['--speed', '20'], '--speed must be a number from 0.05 to 10'],
    [['--address', 'no-port'], '--address must be HOST:PORT'],
    [['--namespace', ''], '--namespace must not be empty'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['extra'], 'extra'],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseSeedArgs(argv, {})).toThrow(UsageError);
    expect(() => parseSeedArgs(argv, {})).toThrow(message);
  });

  it('promises varied outcomes: one in four fails, one in five skips', () => {
    const inputs = seedInputs(20, 0.2);
    expect(inputs.filter((input) => input.failAtPhase !== undefined)).toHaveLength(5);
    expect(inputs.filter((input) => input.skipPhases !== undefined)).toHaveLength(3);
  });
});
