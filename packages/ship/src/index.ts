// Public surface of this package: re-exports only.
export { EventTime } from './event-time.js';
export { ForwardError, ForwardAuthError, ForwardDecodeError, CheckpointError } from './errors.js';
export {
  encodeMessage,
  encodeEntry,
  encodePackedForward,
  decodeMessage,
  decodeEntries,
  decodeStream,
  MessageReader,
  type EventTimeMode,
  type ForwardMessageOptions,
} from './codec.js';
export { forward, ForwardSender, type ForwardOptions, type ForwardStats, type SendCallback } from './forward.js';
export { followAll, type FollowAllOptions, type LogRecord, type ContainerInfo, type LogPosition } from './follow-all.js';
export type { ContainerSelector } from './select.js';
export { ship, type ShipOptions, type Shipper, type ShipStatus, type ContainerShipState } from './ship.js';
export { expandTag, extraAttributes, driverRecord, type ExtraAttributeOptions } from './driver-record.js';
