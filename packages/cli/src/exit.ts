/**
 * Ends the process with `code` once everything written to stdout and stderr has been handed
 * to the OS: a pipe reader sees every byte, and no socket or timer left open can hold the
 * process back.
 */
export async function finish(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** A reader that went away (`dockyard ps | head -1`) ends dockyard quietly, as `docker` does. */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
}
