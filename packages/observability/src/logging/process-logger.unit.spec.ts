import { Writable } from 'node:stream';
import pino from 'pino';
import { pinoOptions } from './process-logger';

const capture = (level: Parameters<typeof pinoOptions>[0]) => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino(pinoOptions(level), stream), lines };
};

describe('the process logger', () => {
  it("writes JSON lines with the level's name, an ISO time and the pid", () => {
    const { logger, lines } = capture('log');
    logger.info({ context: 'Test' }, 'hello');
    expect(lines).toEqual([{ level: 'info', time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/), pid: process.pid, context: 'Test', msg: 'hello' }]);
  });

  it.each([
    ['error', ['error']],
    ['warn', ['error', 'warn']],
    ['log', ['error', 'warn', 'info']],
    ['debug', ['error', 'warn', 'info', 'debug', 'trace']],
  ] as const)("WHARF_LOG_LEVEL=%s lets through %j (Nest's verbose is pino's trace)", (level, through) => {
    const { logger, lines } = capture(level);
    for (const method of ['error', 'warn', 'info', 'debug', 'trace'] as const) logger[method](method);
    expect(lines.map((line) => line.msg)).toEqual(through);
  });

  it('redacts fields that may hold secrets, header maps whole', () => {
    const { logger, lines } = capture('log');
    logger.info({ password: 'p', token: 't', secret: 's', authorization: 'Basic x', headers: { 'x-auth-token': 't' }, name: 'dev' }, 'redacted');
    expect(lines[0]).toMatchObject({ password: '[redacted]', token: '[redacted]', secret: '[redacted]', authorization: '[redacted]', headers: '[redacted]', name: 'dev' });
  });
});
