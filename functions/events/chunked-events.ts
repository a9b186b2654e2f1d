/**
 * A large group write's member delta is kept as chunk items of 500 ids (store/group-deltas.ts). Both
 * ways out carry one claim set per chunk: the event streams one signed SET each (stream-sets.ts), the
 * EventBridge bus one entry each (publish.ts). Every one is of the write's version, in chunk order,
 * and the payload that carries the ids says its place, `chunk: {index, count}` (1-based). Built here
 * once for both, so a receiver of either gets the same delta split the same way.
 */
import type { MemberDelta } from '../store/stream-items';
import { securityEventFor, type EventOptions, type ItemChange, type ScimSecurityEvent } from './change-event';

/** The claim sets of one write whose delta came in `chunks`: element i is chunk i + 1 (none when the change is no event). */
export function eventsPerChunk(change: ItemChange, options: EventOptions, chunks: readonly MemberDelta[]): ScimSecurityEvent[] {
  return chunks.flatMap((delta, index) => {
    const event = securityEventFor({ ...change, newImage: { ...change.newImage, memberDelta: delta } }, options);
    if (!event) return [];
    const place = { index: index + 1, count: chunks.length };
    const events = Object.fromEntries(
      Object.entries(event.events).map(([uri, payload]) => [
        uri,
        payload.members || payload.operations ? { ...payload, chunk: place } : payload,
      ]),
    );
    return [{ ...event, events }];
  });
}
