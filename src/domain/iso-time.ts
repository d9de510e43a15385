/** A stored time as ISO 8601 text (null stays null). */
export const isoTime = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
