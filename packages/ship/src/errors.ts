import { DockerError } from 'dockyard';

/** The Fluent Forward receiver could not be reached, or the connection broke in a way no retry fixes. */
export class ForwardError extends DockerError {}

/** The receiver refused the handshake (shared key or username/password), or its PONG digest was wrong. */
export class ForwardAuthError extends ForwardError {}

/** Bytes that are not valid MessagePack, or a stream that ended inside a message. */
export class ForwardDecodeError extends ForwardError {}

/** A checkpoint file that exists but cannot be read as one. */
export class CheckpointError extends DockerError {}
