import { codecEndpoint } from '@/lib/server/payload-codec';

// The Temporal web UI's codec server (TEMPORAL_CODEC_ENDPOINT=<app>/api/codec): it posts
// sealed payloads to /decode and shows what comes back. Built on first use, never at build time.
let handler: ((request: Request) => Promise<Response>) | undefined;
const codec = (request: Request) => (handler ??= codecEndpoint())(request);

export const dynamic = 'force-dynamic';
export const POST = codec;
export const OPTIONS = codec;
