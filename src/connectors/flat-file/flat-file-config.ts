import { z } from 'zod';
import { durationSchema } from '../../domain/duration-schema.js';
import { sftpSettingsSchema } from '../file-transports/sftp-settings.js';
import { compileFileNamePattern } from './file-name-pattern.js';
import { compileTimestampPattern, DEFAULT_TIMESTAMP_PATTERN } from './file-name-timestamp.js';
import { referenceDataSchema } from './reference-data.js';
import { TEXT_ENCODING_ALIASES, TEXT_ENCODINGS } from './text-encodings.js';
import { DEFAULT_BOOLEAN_SPELLINGS } from './template-row-mapper.js';

const compiles = (compile: (text: string) => unknown) => (text: string, ctx: z.RefinementCtx) => {
  try {
    compile(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
};
const fileNamePattern = z.string().min(1).superRefine(compiles((text) => compileFileNamePattern(text)));

export const flatFileConnectorSchema = z.strictObject({
  type: z.literal('flat-file'),
  /**
   * Folder the files are read from: on this machine (relative paths resolve against the
   * config file), or on the SFTP server when `sftp` is given.
   */
  folder: z.string().min(1),
  /** Read the folder on an SFTP server instead of this machine. */
  sftp: sftpSettingsSchema.optional(),
  /** Glob (`*`, `?`, `{a,b}`) or `/regex/` the file names must match; default `*customer*.{txt,csv}`. */
  pattern: fileNamePattern.default('*customer*.{txt,csv}'),
  /** Match `pattern` and `deltaPattern` regardless of letter case; default false. */
  caseInsensitive: z.boolean().default(false),
  /**
   * `/regex/` capturing year, month, day [, hour, minute, second] of the export time in a
   * file name; files are read oldest first by it, by modification time when a name has none.
   * `false`: by modification time only. Default: `20261101T020000`, `20261101_0200` or `20261101`.
   */
  timestampPattern: z
    .string()
    .superRefine(compiles(compileTimestampPattern))
    .or(z.literal(false))
    .default(DEFAULT_TIMESTAMP_PATTERN),
  /** Field delimiter; default `|`. */
  delimiter: z.string().length(1).default('|'),
  /** Quote character; default `"`. */
  quote: z.string().length(1).default('"'),
  /**
   * File encoding: `utf8` (with or without BOM), `windows-1252` or `iso-8859-1` (aliases utf-8, cp1252,
   * latin1); default `utf8`. A value whose bytes are invalid in it rejects its row, naming line and column.
   */
  encoding: z
    .preprocess(
      (value) => (typeof value === 'string' ? (TEXT_ENCODING_ALIASES[value.toLowerCase()] ?? value.toLowerCase()) : value),
      z.enum(TEXT_ENCODINGS, {
        error: (issue) =>
          typeof issue.input === 'string' && /^utf-?16/i.test(issue.input)
            ? 'UTF-16 files are not supported: export the file as UTF-8 (or Windows-1252)'
            : `use one of ${TEXT_ENCODINGS.join(', ')}`,
      }),
    )
    .default('utf8'),
  /**
   * The reference data rows are validated against: a JSON file (relative paths resolve
   * against the config file), or the data itself inline. Checked when the config is.
   */
  referenceData: z.string().min(1).or(referenceDataSchema).optional(),
  /** Cell values that mean "no value" (compared trimmed and case-insensitively), e.g. `[NULL, "N/A"]`; default none. */
  nullMarkers: z.array(z.string().min(1)).default([]),
  /** How Boolean columns write yes and no (compared case-insensitively); default Y/yes/true/1 and N/no/false/0. */
  booleans: z
    .strictObject({ true: z.array(z.string().min(1)).min(1), false: z.array(z.string().min(1)).min(1) })
    .refine((b) => !b.true.some((t) => b.false.some((f) => f.toLowerCase() === t.toLowerCase())), 'a spelling cannot mean both true and false')
    .default(() => ({ true: [...DEFAULT_BOOLEAN_SPELLINGS.true], false: [...DEFAULT_BOOLEAN_SPELLINGS.false] })),
  /** Template field name → column name in the file, for files that differ from the standard template. */
  columns: z.record(z.string(), z.string()).optional(),
  /** Every file is a `full` snapshot or a `delta`; unset: files matching `deltaPattern` are deltas, others full. */
  kind: z.enum(['full', 'delta']).optional(),
  /** Glob or `/regex/` of delta file names, used when `kind` is unset; default `*_delta*`. */
  deltaPattern: fileNamePattern.default('*_delta*'),
  /** A file modified more recently than this is still being written and is left for a later run; default 0s. */
  minAge: durationSchema.default(0),
  /**
   * List the folder twice this far apart and leave a file whose size or modification time
   * changed in between for a later run (it is still being written); default 0s (one listing).
   */
  stabilityInterval: durationSchema.default(0),
  /** Suffix of the marker file the uploader writes when a file is complete (e.g. `.done`); a file without one is not read. */
  doneMarker: z.string().min(1).optional(),
  /** What becomes of a file once a run has processed it: `leave` it (default), `archive` it, or `delete` it. */
  afterProcessing: z.enum(['leave', 'archive', 'delete']).default('leave'),
  /** Where `archive` moves files (on the SFTP server with `sftp`; else relative paths resolve against the config file); default `<folder>/archive`. */
  archiveFolder: z.string().min(1).optional(),
});

/** A `flat-file` connector as configured. */
export type FlatFileConnectorConfig = z.infer<typeof flatFileConnectorSchema>;
