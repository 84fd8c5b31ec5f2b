import { defineConfig, type Options } from 'tsup';

/**
 * The one build recipe every publishable package uses: ESM + CJS + `.d.ts`/`.d.cts`,
 * so the `exports` map can give `import` and `require` their own types.
 */
export function packageBuild(entry: Record<string, string> | string[], overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    splitting: false,
    ...overrides,
  });
}
