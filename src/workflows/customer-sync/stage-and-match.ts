import type { FlowStepPlan } from '../../domain/run-types.js';
import type { RunState } from './run-state.js';

/**
 * One step of the flow: choose its inputs, stage each (records into the run's staging,
 * rejects with their reasons), then match the staged records to customers.
 */
export async function stageAndMatch(run: RunState, step: FlowStepPlan, index: number): Promise<void> {
  const { input, runId, progress } = run;
  const { selectInputs, stageStep, matchStep } = run.activities;
  const stats = run.steps[index]!;
  const isSource = step.role === 'source';
  progress.phase = 'staging';
  progress.currentStep = index;
  const inputs = await selectInputs({
    runId,
    stepIndex: index,
    connector: step.connector,
    requested: isSource ? input.inputs : undefined,
    ...(isSource && input.lookup ? { lookup: input.lookup } : {}),
    ...(isSource && input.importFile ? { importFile: input.importFile } : {}),
    ...(isSource && input.importUpload ? { importUpload: input.importUpload } : {}),
  });
  stats.inputs = inputs.map((i) => i.name);
  if (isSource && inputs.some((i) => (i.kind ?? 'full') === 'full')) run.sourceFull = true;
  for (const [inputIndex, connectorInput] of inputs.entries()) {
    const staged = await stageStep({
      runId,
      stepIndex: index,
      connector: step.connector,
      input: connectorInput,
      inputIndex,
      pageSize: input.pageSize,
      matchBy: step.role === 'enrichment' ? (step.matchBy ?? 'sourceId') : undefined,
      ...(isSource && input.maxRejectedPercent !== undefined ? { maxRejectedPercent: input.maxRejectedPercent } : {}),
      // With one source step, a customer whose record is what it was merged from is unchanged: it need not be staged.
      ...(isSource && input.source === 'connector' && input.steps.length === 1 ? { skipUnchanged: { steps: input.steps } } : {}),
    });
    stats.read += staged.read;
    stats.staged = staged.staged;
    stats.rejected = staged.rejected;
    run.consumed.push({ connector: step.connector, input: connectorInput });
  }

  progress.phase = 'matching';
  const matched = await matchStep({
    runId,
    stepIndex: index,
    connector: step.connector,
    role: step.role,
    matchBy: step.matchBy,
    sourceConnector: input.source === 'connector' ? input.steps[0]!.connector : undefined,
  });
  stats.matched = matched.matched;
  stats.unmatched = matched.unmatched;
  stats.rejected += matched.rejected ?? 0;
}
