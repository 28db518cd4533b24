import { DockerError } from '@dockyard/transport';

/** What {@link ContainerError} carries besides its message. */
export interface ContainerErrorDetails {
  exitCode: number;
  /** The end of what the container wrote to stderr (the last 64 KiB at most). */
  stderr: string;
  /** The command that ran. */
  command: string[];
  image: string;
  containerId: string;
}

/**
 * A container run by `docker.run` exited non-zero. The message names the image, the command,
 * the exit code and the last lines of stderr.
 */
export class ContainerError extends DockerError {
  static override readonly code: string = 'DOCKYARD_CONTAINER';
  readonly exitCode: number;
  readonly stderr: string;
  readonly command: string[];
  readonly image: string;
  readonly containerId: string;

  constructor(details: ContainerErrorDetails) {
    const lastLines = details.stderr.trimEnd().split('\n').slice(-5).join('\n').slice(-1000);
    super(
      `Container ${details.containerId.slice(0, 12)} (${details.image}) running ${JSON.stringify(details.command)} exited with code ${details.exitCode}` +
        (lastLines ? `; stderr ends with:\n${lastLines}` : '; it wrote nothing to stderr.'),
    );
    this.exitCode = details.exitCode;
    this.stderr = details.stderr;
    this.command = details.command;
    this.image = details.image;
    this.containerId = details.containerId;
  }
}
