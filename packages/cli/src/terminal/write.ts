/** Writes `data` to `stream`, resolving once the stream takes more (backpressure). */
export function writeTo(stream: NodeJS.WritableStream, data: Uint8Array | string): Promise<void> {
  if (stream.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      stream.off('drain', onDrain);
      reject(err);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}
