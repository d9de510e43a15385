import type { Connector } from '../connector.js';
import { InputError } from '../input-error.js';
import { createSourceProcessConnector, type SourceProtocol } from '../source-process/source-process-connector.js';
import { airbyteDiscover, configuredCatalog, streamOf } from './airbyte-commands.js';
import { airbyteLines, airbyteReadEvents } from './airbyte-process.js';
import type { AirbyteSourceConnectorConfig } from './airbyte-source-config.js';

/** The Airbyte protocol: `discover`, then `read --config --catalog [--state]` of the stream in the connector's sync mode. */
function airbyteProtocol(syncMode: AirbyteSourceConnectorConfig['syncMode']): SourceProtocol {
  return {
    type: 'airbyte-source',
    kind: 'airbyte source',
    async prepare(run, name, options) {
      const stream = streamOf(await airbyteDiscover(run, options), name, run.label);
      if (syncMode === 'incremental' && !(stream.supported_sync_modes ?? []).includes('incremental')) {
        throw new InputError(`${run.label}: stream ${name} cannot be read incrementally (it supports ${(stream.supported_sync_modes ?? []).join(', ') || 'no sync mode listed'}); set syncMode: full_refresh`);
      }
      return {
        schema: stream.json_schema,
        files: { catalog: configuredCatalog(stream, syncMode) },
        args: (paths) => ['read', '--config', paths.config!, '--catalog', paths.catalog!, ...(paths.state ? ['--state', paths.state] : [])],
        streamNames: [name],
      };
    },
    events: (run, args, [stream], options) => airbyteReadEvents(airbyteLines(run, args, options), stream!),
  };
}

/** An Airbyte source's stream as customers: a full refresh is a full snapshot, an incremental read a delta from the last state. */
export function createAirbyteSourceConnector(name: string, config: AirbyteSourceConnectorConfig): Connector {
  return createSourceProcessConnector(name, { ...config, incremental: config.syncMode === 'incremental' }, airbyteProtocol(config.syncMode));
}
