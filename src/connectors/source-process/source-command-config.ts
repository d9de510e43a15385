import { z } from 'zod';
import { environmentVariableName } from '../environment-secret.js';
import { packageReference } from './installed-packages.js';
import { recordMappingSchema } from '../record-mapping/record-mapping-schema.js';
import { MAPPING_PRESET_NAMES } from '../record-mapping/mapping-presets.js';

const presetSchema = z.strictObject({ preset: z.enum(MAPPING_PRESET_NAMES, { error: `one of the presets: ${MAPPING_PRESET_NAMES.join(', ')}` }) });

/** A mapping of its own, or `{ preset: <name> }`: told apart by `preset`, so an error names the field that is wrong. */
const mappingSchema = z.unknown().transform((value, ctx): z.output<typeof presetSchema> | z.output<typeof recordMappingSchema> => {
  const schema = value !== null && typeof value === 'object' && 'preset' in value ? presetSchema : recordMappingSchema;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  return z.NEVER;
});

/**
 * The settings every source run as a process shares (Airbyte sources, Singer taps): what to
 * run, its config, the stream read and how its records map to customers.
 */
export const sourceCommandFields = {
  /**
   * A package installed with `custsync connectors install <package>==<version>`: its name
   * (`airbyte-source-faker`), or pinned (`airbyte-source-faker==7.2.1`: only that version runs, and
   * `custsync connectors install` with no argument installs it).
   */
  package: z
    .string()
    .refine((spec) => packageReference(spec) !== undefined, { message: 'a package name, or <name>==<version> to pin it (e.g. tap-jsonl==0.3.1)' })
    .optional(),
  /** The command to run: an executable on this machine (a path, or a name on PATH); with `package`, which of its commands. */
  executable: z.string().min(1).optional(),
  /** The source's own config, as its spec describes it; secrets go in `secrets`, never here. */
  config: z.record(z.string(), z.unknown()).default({}),
  /** Secrets of the config from the environment: a JSON pointer into `config` → the variable holding the value. */
  secrets: z
    .record(z.string(), environmentVariableName)
    .superRefine((secrets, ctx) => {
      for (const pointer of Object.keys(secrets)) {
        if (!pointer.startsWith('/')) ctx.addIssue({ code: 'custom', path: [pointer], message: `a JSON pointer into config, e.g. /${pointer.replaceAll('.', '/')}` });
      }
    })
    .default({}),
  /** The stream whose records are customers. */
  stream: z.string().min(1),
  /** How a record of the stream becomes a customer record, or a preset (`{ preset: hubspot-contacts }`). */
  mapping: mappingSchema,
};

/** A config's check that `package` or `executable` names what runs (both: the package's command of that name). */
export function requireCommand(config: { package?: string | undefined; executable?: string | undefined }, ctx: z.RefinementCtx): void {
  if (config.package === undefined && config.executable === undefined) {
    ctx.addIssue({ code: 'custom', path: ['package'], message: 'name the source to run: package (installed with custsync connectors install) or executable' });
  }
}

/** The settings of {@link sourceCommandFields} as parsed. */
export type SourceCommandConfig = z.output<ReturnType<typeof z.strictObject<typeof sourceCommandFields>>>;
