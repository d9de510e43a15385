import iconv from 'iconv-lite';

/** Encodings a flat file may be in: all ASCII-compatible, so the reader finds delimiters, quotes and line ends byte by byte. */
export const TEXT_ENCODINGS = ['utf8', 'windows-1252', 'iso-8859-1'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

/** Other spellings accepted in the config. */
export const TEXT_ENCODING_ALIASES: Record<string, TextEncoding> = {
  'utf-8': 'utf8',
  cp1252: 'windows-1252',
  win1252: 'windows-1252',
  latin1: 'iso-8859-1',
  'latin-1': 'iso-8859-1',
  'iso8859-1': 'iso-8859-1',
};

/** Bytes Windows-1252 leaves undefined. */
const WIN1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decoded text, or why the bytes cannot be read in the encoding (never a garbled value). */
export type Decoded = { text: string; problem?: undefined } | { text?: undefined; problem: string };

const hex = (byte: number) => `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Decodes bytes `start`–`end` of `buf`. Invalid bytes are reported, not replaced:
 * UTF-8 sequences that are not UTF-8, the five bytes Windows-1252 leaves undefined,
 * and in ISO-8859-1 the C1 control bytes 0x80–0x9F, which real text never holds —
 * they are Windows-1252's € ‘ ’ “ ” – — read with the wrong encoding.
 */
export function decodeBytes(encoding: TextEncoding, buf: Buffer, start: number, end: number): Decoded {
  switch (encoding) {
    case 'utf8': {
      const text = buf.toString('utf8', start, end);
      if (!text.includes('\uFFFD')) return { text };
      try {
        return { text: strictUtf8.decode(buf.subarray(start, end)) };
      } catch {
        const at = firstInvalidUtf8(buf, start, end);
        return {
          problem: `byte ${hex(buf[at]!)} at position ${at - start + 1} of the value is not valid UTF-8 (is the file Windows-1252 or ISO-8859-1? set the connector's encoding)`,
        };
      }
    }
    case 'windows-1252': {
      for (let i = start; i < end; i++) {
        if (WIN1252_UNDEFINED.has(buf[i]!)) {
          return { problem: `byte ${hex(buf[i]!)} is not a Windows-1252 character (is the file UTF-8? set the connector's encoding)` };
        }
      }
      return { text: iconv.decode(buf.subarray(start, end), 'win1252') };
    }
    case 'iso-8859-1': {
      for (let i = start; i < end; i++) {
        const byte = buf[i]!;
        if (byte >= 0x80 && byte <= 0x9f) {
          return {
            problem: `byte ${hex(byte)} is a control character in ISO-8859-1; the file is probably Windows-1252 (set encoding: windows-1252)`,
          };
        }
      }
      return { text: buf.toString('latin1', start, end) };
    }
  }
}

/** Position of the first byte that does not start a valid UTF-8 sequence. */
function firstInvalidUtf8(buf: Buffer, start: number, end: number): number {
  for (let i = start; i < end; ) {
    const b = buf[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > end) return i;
    try {
      strictUtf8.decode(buf.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return start;
}
