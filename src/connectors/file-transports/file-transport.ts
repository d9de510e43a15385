/** A file as a transport lists it. */
export interface ListedFile {
  name: string;
  size: number;
  /** Modification time in ms (SFTP servers report whole seconds). */
  mtimeMs: number;
}

/** A file's complete bytes on this machine, with their sha256. */
export interface LocalFile {
  path: string;
  checksum: string;
  /** For a download that resumed an interrupted one: the bytes already on this machine. */
  resumedAt?: number;
}

/**
 * Where a flat-file connector's files live: a local folder, or a folder on an SFTP
 * server whose files are downloaded (resumably) before they are read.
 */
export interface FileTransport {
  /** For messages: the folder, or `sftp://user@host:port/folder`. */
  readonly location: string;
  /** The regular files in the folder (marker files included), in no particular order. */
  list(): Promise<ListedFile[]>;
  /** The listed file's bytes on this machine, fetched if needed, and their checksum. */
  fetch(file: ListedFile): Promise<LocalFile>;
  /**
   * The local path of the file a listing returned with `checksum`, fetched again if
   * this machine has no copy; fails when the file is gone or its content changed.
   */
  fetchListed(name: string, checksum: string): Promise<string>;
  /** Moves files into `folder` (created if needed); files already gone are skipped. */
  archive(names: string[], folder: string): Promise<void>;
  /** Deletes files; files already gone are skipped. */
  remove(names: string[]): Promise<void>;
}
