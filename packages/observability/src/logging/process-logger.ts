import { Logger as NestPinoLogger, PinoLogger, type Params } from 'nestjs-pino';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/** WHARF_LOG_LEVEL's values (NestJS's names, kept from before) and the pino level each one means. */
export const LOG_LEVELS = { error: 'error', warn: 'warn', log: 'info', debug: 'trace' } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;
export type LogFormat = 'json' | 'pretty';

export interface LoggingOptions {
  level: LogLevelName;
  /** `json` (one object a line) or `pretty` (for people); by default pretty on a terminal, JSON anywhere else. */
  format?: LogFormat | undefined;
}

/**
 * Fields that may hold secrets, at the top of a logged object (whole header maps included). Nothing Wharf logs
 * carries them (request headers, bodies and query strings are never logged): a second line of defence, kept to
 * the top level because deeper paths cost every line a walk of its fields.
 */
const REDACTED = ['password', 'secret', 'token', 'authorization', 'cookie', 'headers'];

/** What every line carries and how: ISO time, the level's name, the pid; secret-looking fields redacted. */
export const pinoOptions = (level: LogLevelName): pino.LoggerOptions => ({
  level: LOG_LEVELS[level],
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  redact: { paths: REDACTED, censor: '[redacted]' },
});

const createLogger = ({ level, format }: LoggingOptions): Logger => {
  const options = pinoOptions(level);
  const chosen = format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (chosen === 'pretty') return pino(options, pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid' }));
  // Lines are gathered and written 4 KiB at a time, or within 250 ms, whichever comes first: a busy process makes
  // one write for many access lines instead of one each. Whatever is pending is flushed at exit. A process that
  // logged nothing meanwhile is not woken to flush nothing (an empty flush still writes, on libuv's threads).
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  let unflushed = false;
  setInterval(() => {
    if (!unflushed) return;
    unflushed = false;
    destination.flush();
  }, 250).unref();
  const streamWrite = (line: string): string => {
    unflushed = true;
    return line;
  };
  return pino({ ...options, hooks: { ...options.hooks, streamWrite } }, destination);
};

let root: Logger | undefined;
let nest: NestPinoLogger | undefined;

/**
 * Sets up the process's one logger, first thing at start (the configuration names the level and format).
 * Whatever logged before gets a logger with the defaults, whose level follows from then on.
 */
export const configureLogging = (options: LoggingOptions): Logger => {
  if (root) {
    root.level = LOG_LEVELS[options.level];
    return root;
  }
  root = createLogger(options);
  return root;
};

/** The process's logger: every log line, Nest's included, goes through it. */
export const rootLogger = (): Logger => root ?? configureLogging({ level: 'log' });

/**
 * The logger Nest applications and microservices are created with (`logger:` of NestFactory): nestjs-pino's,
 * writing through the process's logger, so Nest's own messages and every `Logger` in Wharf come out as pino lines.
 */
export const nestLogger = (): NestPinoLogger => {
  if (!nest) {
    const params: Params = { pinoHttp: { logger: rootLogger() } };
    nest = new NestPinoLogger(new PinoLogger(params), params);
  }
  return nest;
};
