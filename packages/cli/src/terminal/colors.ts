import picocolors from 'picocolors';

/** picocolors' colour functions. */
export type Colors = ReturnType<typeof picocolors.createColors>;

/**
 * Colours for text written to `stream`: only when it is a terminal, never with NO_COLOR set
 * (to anything but the empty string, as no-color.org says) nor on TERM=dumb.
 */
export function colorsFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Colors {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return picocolors.createColors(stream.isTTY === true && !noColor && env.TERM !== 'dumb');
}
