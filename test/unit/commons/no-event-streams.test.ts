/** functions/commons/no-event-streams.ts, in bundles in place of the SDK's event streams: any use fails, saying why. */
import { expect, it } from '@jest/globals';
import { EventStreamSerde, eventStreamSerdeProvider } from '../../../functions/commons/no-event-streams';

it('refuses to serialize an event stream, naming the alias that left it out', () => {
  expect(() => new EventStreamSerde()).toThrow(/not bundled \(lib\/bundling\.ts MODULE_ALIASES\)/);
  expect(() => eventStreamSerdeProvider()).toThrow(/not bundled/);
});
