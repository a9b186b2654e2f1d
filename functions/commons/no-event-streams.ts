/**
 * Bundled in place of `@smithy/core/event-streams` (the alias in lib/bundling.ts MODULE_ALIASES). The
 * SDK loads that module, by a dynamic import, only for an operation whose input or output is an event
 * stream, and none of the clients these functions carry has one (DynamoDB, KMS, EventBridge, Secrets
 * Manager, API Gateway). With its message codec, framing and CRC32 it was about
 * 19 KiB of every bundle with an SDK client. Were such an operation ever called, it fails here, saying why.
 */
const notBundled = (): never => {
  throw new Error(
    '@smithy/core/event-streams is not bundled (lib/bundling.ts MODULE_ALIASES): no operation of these functions streams events',
  );
};

export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}

export const eventStreamSerdeProvider = notBundled;
