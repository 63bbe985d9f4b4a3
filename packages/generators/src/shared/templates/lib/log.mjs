import process from 'node:process';

/** Writes one JSON line per event to stdout, so any log collector can read it. */
function write(level, message, details) {
  const line = { time: new Date().toISOString(), level, msg: message, ...details };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

export const log = {
  info: (message, details = {}) => write('info', message, details),
  warn: (message, details = {}) => write('warn', message, details),
  error: (message, details = {}) => write('error', message, details),
};
