/**
 * The bytes a chunk says it carries: `Content-Range: <start>-<end>` (inclusive; `bytes=` or `bytes ` prefixes
 * accepted, as clients send them). Null when the header is malformed, runs backwards or disagrees with the
 * body's Content-Length.
 */
export const chunkRange = (header: string, contentLength: number | undefined): { start: number; end: number } | null => {
  const match = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(header.trim());
  if (!match) return null;
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start || (contentLength !== undefined && end - start + 1 !== contentLength)) return null;
  return { start, end };
};
