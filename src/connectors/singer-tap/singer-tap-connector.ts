import type { Connector } from '../connector.js';
import { createSourceProcessConnector, type SourceProtocol } from '../source-process/source-process-connector.js';
import { findSingerStream, messageStreamNames, selectedCatalog, singerDiscover, singerReadEvents, type SingerReplication } from './singer-process.js';
import type { SingerTapConnectorConfig } from './singer-tap-config.js';

/** The Singer protocol: `--discover`, then `--config --catalog [--state]` with only the stream selected. */
function singerProtocol(replication: SingerReplication): SourceProtocol {
  return {
    type: 'singer-tap',
    kind: 'singer tap',
    async prepare(run, name, options) {
      const streams = await singerDiscover(run, options);
      const stream = findSingerStream(streams, name, run.label);
      return {
        schema: stream.schema,
        files: { catalog: selectedCatalog(streams, stream, replication) },
        streamNames: messageStreamNames(stream),
        args: (paths) => ['--config', paths.config!, '--catalog', paths.catalog!, ...(paths.state ? ['--state', paths.state] : [])],
      };
    },
    events: (run, args, streamNames, options) => singerReadEvents(run, args, streamNames, options),
  };
}

/** A Singer tap's stream as customers: a full-table read is a full snapshot, an incremental read a delta from the last state. */
export function createSingerTapConnector(name: string, config: SingerTapConnectorConfig): Connector {
  return createSourceProcessConnector(name, { ...config, incremental: config.syncMode === 'incremental' }, singerProtocol({ syncMode: config.syncMode, replicationKey: config.replicationKey }));
}
