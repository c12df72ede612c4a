import { connect } from 'node:net';

export interface RawAnswer {
  head: string;
  body: string;
}

/**
 * Sends a request head, then the chunks `chunk` gives for as long as the server takes them and has not
 * answered, and resolves with the answer once the server closes the connection (it never does while it
 * waits for more of the body).
 */
export const rawRequest = (url: string, head: string, chunk: () => Buffer | undefined): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    let answered = false;
    const pump = (): void => {
      while (!answered && !socket.destroyed) {
        const next = chunk();
        if (next === undefined) return;
        if (!socket.write(next)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    socket.on('data', (data: Buffer) => {
      answered = true;
      received.push(data);
    });
    const done = (): void => {
      const text = Buffer.concat(received).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`connection closed without an answer: ${JSON.stringify(text)}`));
      resolve({ head: text.slice(0, split), body: text.slice(split + 4) });
    };
    // Writing into a connection the server has closed resets it; what arrived before is the answer.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', done);
  });

/** Only the last chunk of a chunked body carries its JSON end; these never send it. */
export const endlessChunks = (): (() => Buffer) => {
  const piece = Buffer.from('"' + 'a'.repeat(64 * 1024 - 2) + '"');
  const framed = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
  let first = true;
  return () => {
    if (first) {
      first = false;
      return Buffer.concat([Buffer.from('1\r\n[\r\n'), framed]);
    }
    return framed;
  };
};

export const unchunked = (): (() => Buffer) => {
  const piece = Buffer.alloc(64 * 1024, 'a');
  return () => piece;
};

export const dechunk = (body: string): string => {
  if (!/^[0-9a-f]+\r\n/i.test(body)) return body;
  let rest = body;
  let out = '';
  for (;;) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    if (!size) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
};
