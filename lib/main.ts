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
    .catch((error: unknown) => {
      console.error(`${name} failed to start:`, error);
      process.exit(1);
    });
}
