import { ConfigurationError } from './config.js';

/**
 * One line for a failure to start that the operator caused and can fix (a ConfigurationError, a
 * port that is taken or not allowed, an address this machine does not have), naming the
 * variable to change; undefined for anything else, which deserves its stack.
 * `ports` maps each port variable to the port it set, to name the one that failed.
 */
export function startFailureMessage(error: unknown, ports: Record<string, number> = {}): string | undefined {
  if (error instanceof ConfigurationError) return error.message;
  const e = error as NodeJS.ErrnoException & { port?: number; address?: string };
  if (e?.syscall !== 'listen' || typeof e.port !== 'number') return undefined;
  const names = Object.entries(ports).filter(([, port]) => port === e.port).map(([name]) => name);
  const variable = names.length > 0 ? names.join(' or ') : 'PORT';
  switch (e.code) {
    case 'EADDRINUSE':
      return `Port ${e.port}${e.address ? ` on ${e.address}` : ''} is already in use (${variable}); stop what listens there or set ${variable} to a free port`;
    case 'EACCES':
      return `Not allowed to listen on port ${e.port} (${variable}); ports below 1024 need privileges: choose a higher one`;
    case 'EADDRNOTAVAIL':
      return `Cannot listen on ${e.address ?? 'HOST'}: not an address of this machine (HOST)`;
    default:
      return undefined;
  }
}

/** Prints why the start failed (one line when the operator can fix it, else the stack) and exits 1. */
export function exitOnStartFailure(name: string, error: unknown, ports?: Record<string, number>): never {
  const line = startFailureMessage(error, ports);
  if (line) console.error(`${name} cannot start: ${line}`);
  else console.error(`${name} failed to start:`, error);
  process.exit(1);
}

/** Runs a service until SIGINT/SIGTERM, then stops it cleanly; a failure to start exits non-zero. */
export function runUntilSignal(name: string, start: () => Promise<{ url: string; stop(): Promise<void> }>): void {
  start()
    .then((service) => {
      console.log(`${name} listening on ${service.url}`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${name}: ${signal}, stopping`);
        service.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    })
    .catch((error: unknown) => exitOnStartFailure(name, error));
}
