// What a failed gzip decompression means, in the app's words: the browser's own messages
// ("Failed to execute 'close' on 'WritableStreamDefaultWriter': Compressed input was
// truncated.", zlib's "incorrect data check") name its internals, not the user's file.
// First matching row wins; the last row is the fallback.

const GZIP_PROBLEMS: [RegExp, string][] = [
  [/truncat|unexpected end|end of (?:file|input|stream)/i, 'the file ends before its compressed data does: it was cut'],
  [/data check|checksum|crc|length check/i, 'its checksum does not match the data: it is damaged'],
  [/header|magic|compression method/i, 'its gzip header is damaged'],
  [/./, 'its compressed data is damaged'],
];

/** The app's wording for a decompression error (never the browser's message itself). */
export function gzipProblemText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err ?? '');
  return (GZIP_PROBLEMS.find(([re]) => re.test(message)) ?? GZIP_PROBLEMS[GZIP_PROBLEMS.length - 1])[1];
}
