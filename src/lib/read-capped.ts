/**
 * The one reader for bytes that come from outside, a member's download or a file named on the
 * command line: it stops as soon as the stream passes the cap, so a 3 GB file or an endless
 * response costs at most the cap plus one chunk, never its own size.
 */
export class OverCapError extends Error {
  constructor(readonly maxBytes: number) {
    super(`more than ${maxBytes} bytes`);
  }
}

export async function readCapped(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of source) {
    received += chunk.length;
    if (received > maxBytes) throw new OverCapError(maxBytes);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks, received));
}
