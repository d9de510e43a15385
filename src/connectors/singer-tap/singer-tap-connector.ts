import type { Connector } from '../connector.js';
import { InputError } from '../input-error.js';
import { createSourceProcessConnector, type SourceProtocol } from '../source-process/source-process-connector.js';
import { selectedCatalog, singerDiscover, singerReadEvents, streamName } from './singer-process.js';
import type { SingerTapConnectorConfig } from './singer-tap-config.js';

/** The Singer protocol: `--discover`, then `--config --catalog [--state]` with only the stream selected. */
function singerProtocol(syncMode: SingerTapConnectorConfig['syncMode']): SourceProtocol {
  return {
    type: 'singer-tap',
    kind: 'singer tap',
    async prepare(run, name, options) {
      const streams = await singerDiscover(run, options);
      const stream = streams.find((s) => streamName(s) === name);
      if (!stream) throw new InputError(`${run.label}: no stream "${name}"; the tap has: ${streams.map(streamName).join(', ') || 'none'}`);
      return {
        schema: stream.schema,
        files: { catalog: selectedCatalog(streams, name, syncMode) },
        args: (paths) => ['--config', paths.config!, '--catalog', paths.catalog!, ...(paths.state ? ['--state', paths.state] : [])],
      };
    },
    events: (run, args, stream, options) => singerReadEvents(run, args, stream, options),
  };
}

/** A Singer tap's stream as customers: a full-table read is a full snapshot, an incremental read a delta from the last state. */
export function createSingerTapConnector(name: string, config: SingerTapConnectorConfig): Connector {
  return createSourceProcessConnector(name, { ...config, incremental: config.syncMode === 'incremental' }, singerProtocol(config.syncMode));
}
