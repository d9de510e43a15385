#!/usr/bin/env node
// The container image's HEALTHCHECK: healthy when the process answers on its own port —
// `serve` at CUSTSYNC_HEALTHCHECK_URL (its /healthz), a worker at its metrics endpoint
// (CUSTSYNC_WORKER_METRICS, default :9464). Node's fetch: the slim image has no curl.
const port = (process.env.CUSTSYNC_WORKER_METRICS ?? ':9464').split(':').pop();
const url = process.env.CUSTSYNC_HEALTHCHECK_URL || `http://127.0.0.1:${port}/metrics`;
try {
  const answer = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  if (!answer.ok) throw new Error(`${url} answered ${answer.status}`);
} catch (error) {
  console.error(`unhealthy: ${error.message}`);
  process.exit(1);
}
