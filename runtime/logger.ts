/** Where the pool writes what it does. Any object with these four methods will do (pino, console, …). */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function write(level: string, message: string, fields?: Record<string, unknown>): void {
  const extra = fields === undefined ? '' : ` ${JSON.stringify(fields)}`;
  process.stderr.write(`[process-sandbox] ${level} ${message}${extra}\n`);
}

/** The default: warnings and errors to stderr, the rest dropped. */
export const defaultLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message, fields) => write('warn', message, fields),
  error: (message, fields) => write('error', message, fields),
};

/** Logs nothing. */
export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
