import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

// The monorepo root: workspace packages live outside this folder.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const config: NextConfig = {
  // The worker's shared names and types are TypeScript source.
  transpilePackages: ['@resumable/example-worker'],
  // Temporal's client talks gRPC through native Node code: load it from node_modules, never bundle it.
  serverExternalPackages: ['@temporalio/client', '@temporalio/common', '@temporalio/proto', '@grpc/grpc-js'],
  turbopack: { root },
  outputFileTracingRoot: root,
  // `pnpm typecheck` (tsc --noEmit) checks this app; skipping it here keeps `next build` lean.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
};

export default config;
