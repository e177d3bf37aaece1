/**
 * The core's logger: levels, one line per entry, and redaction of every secret the vault has
 * handed out, so a password can never reach a log even inside an error message from a server.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Secrets shorter than this are not redacted: they would blank out ordinary words. */
const MIN_REDACTED_LENGTH = 4;

const secrets = new Set<string>();
// Standard error for every level: standard output belongs to the CLI's answers (JSON lines, the ready line).
let sink: (level: LogLevel, line: string) => void = (_level, line) => {
  process.stderr.write(line + '\n');
};
const isLevel = (v: string | undefined): v is LogLevel => v !== undefined && Object.hasOwn(ORDER, v);
const asked = process.env.CLICKSTACK_TRAY_LOG_LEVEL;
// An unknown level would compare as NaN and silence every line: say so once and keep 'info'.
let threshold: LogLevel = isLevel(asked) ? asked : 'info';
if (asked && !isLevel(asked)) sink('warn', `CLICKSTACK_TRAY_LOG_LEVEL must be one of ${Object.keys(ORDER).join(', ')}, not "${asked}": logging at info.`);

export function registerSecret(value: string): void {
  if (value.length >= MIN_REDACTED_LENGTH) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** Tests capture what would be printed. */
export function setLogSink(next: (level: LogLevel, line: string) => void): void {
  sink = next;
}

function describe(detail: unknown): string {
  if (detail === undefined) return '';
  if (detail instanceof Error) return ` (${detail.message})`;
  return ` ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`;
}

function write(level: LogLevel, scope: string, message: string, detail?: unknown): void {
  if (ORDER[level] < ORDER[threshold]) return;
  sink(level, redact(`${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${message}${describe(detail)}`));
}

export interface Logger {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

export function logger(scope: string): Logger {
  return {
    debug: (m, d) => write('debug', scope, m, d),
    info: (m, d) => write('info', scope, m, d),
    warn: (m, d) => write('warn', scope, m, d),
    error: (m, d) => write('error', scope, m, d),
  };
}
