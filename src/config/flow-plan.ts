import { DEFAULT_HEARTBEAT_TIMEOUT_MS, DEFAULT_MERGE_LANES, type CustomerSyncInput, type RunTrigger } from '../domain/run-types.js';
import { flowFingerprint } from './config-fingerprint.js';
import type { CustsyncConfig } from './config-schema.js';

/** Turns a configured flow into the workflow's input. */
export function planFlow(
  config: CustsyncConfig,
  flowName: string,
  options: { trigger: RunTrigger; inputs?: string[]; dryRun?: boolean },
): CustomerSyncInput {
  const flow = config.flows[flowName];
  if (!flow) {
    const known = Object.keys(config.flows).join(', ') || 'none';
    throw new Error(`unknown flow "${flowName}"; configured flows: ${known}`);
  }
  const source = flow.source;
  return {
    flow: flowName,
    trigger: options.trigger,
    source: source.type,
    steps: [
      ...(source.type === 'connector'
        ? [{ role: 'source' as const, connector: source.connector, aspects: source.aspects }]
        : []),
      ...flow.enrichments.map((e) => ({
        role: 'enrichment' as const,
        connector: e.connector,
        aspects: e.aspects,
        matchBy: e.matchBy,
      })),
    ],
    deletion: {
      gracePeriodMs: flow.deletion.gracePeriod,
      retentionMs: flow.deletion.retention,
      thresholdPercent: flow.deletion.threshold,
      approvalTimeoutMs: flow.deletion.approvalTimeout,
    },
    chunkSize: flow.chunkSize,
    pageSize: flow.pageSize,
    chunksPerExecution: flow.chunksPerExecution,
    ...(flow.mergeLanes !== DEFAULT_MERGE_LANES ? { mergeLanes: flow.mergeLanes } : {}),
    ...(flow.heartbeatTimeout !== DEFAULT_HEARTBEAT_TIMEOUT_MS ? { heartbeatTimeoutMs: flow.heartbeatTimeout } : {}),
    ...(flow.maxRejectedPercent !== undefined ? { maxRejectedPercent: flow.maxRejectedPercent } : {}),
    configFingerprint: flowFingerprint(config, flowName),
    ...(options.inputs && options.inputs.length > 0 ? { inputs: options.inputs } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(flow.reviewNewCustomers ? { reviewNewCustomers: true } : {}),
    ...(flow.pushTo.length > 0 ? { pushTo: flow.pushTo } : {}),
    ...(flow.survivorship && Object.keys(flow.survivorship).length > 0 ? { survivorship: flow.survivorship } : {}),
    ...(flow.duplicates ? { duplicates: { keys: flow.duplicates.keys, ...(flow.duplicates.autoMerge === 'strong' ? { autoMerge: true } : {}) } } : {}),
  };
}

/** A readable, sortable run key: the UTC start time to the millisecond, e.g. `20261101T020000123Z`. */
export function runKey(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** The stable workflow id of a run, as shown in the Temporal UI. */
export function runWorkflowId(flow: string, key: string): string {
  return `sync/${flow}/${key}`;
}

/** A one-line description of a run for the Temporal UI's summary field. */
export function runSummary(input: CustomerSyncInput): string {
  const steps = input.steps.map((s) => `${s.connector} [${s.aspects.join(', ')}]`).join(' → ');
  const source = input.source === 'current' ? 'current data → ' : '';
  return `${input.flow} (${input.trigger}): ${source}${steps}`;
}
