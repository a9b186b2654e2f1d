/**
 * The local server's push driver (in AWS: functions/event-delivery.ts on outbox writes and a
 * schedule). Every tick it starts a delivery pass for each push stream that has none running; passes
 * of different streams run side by side, so a slow receiver never holds another stream. The outbox is
 * in DynamoDB Local, so a server killed mid-delivery resumes where it was on its next start.
 */
import { environment } from '../functions/commons/environment';
import type { Db } from '../functions/store/db';
import { allPushStreams } from '../functions/events/delivery-sweep';
import { deliverStream } from '../functions/events/push-delivery';

export interface EventDeliveryLoop {
  stop(): Promise<void>;
}

export function startEventDeliveryLoop(db: Db, log: (line: string) => void, intervalMs = 200): EventDeliveryLoop {
  const running = new Map<string, Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      for (const stream of await allPushStreams(db)) {
        const id = `${stream.tenantId}/${stream.streamId}`;
        if (running.has(id) || stopped) continue;
        // How long one pass may run before it yields its stream's lease (10 s; SCIM_LOCAL_DELIVERY_PASS_MS).
        const pass = deliverStream(db, stream, { deadline: Date.now() + environment.localDeliveryPassMs(), log })
          .then(() => undefined)
          .catch((error: unknown) => log(`event delivery ${id}: ${error instanceof Error ? error.name : 'error'}`))
          .finally(() => running.delete(id));
        running.set(id, pass);
      }
    } catch (error) {
      log(`event delivery: ${error instanceof Error ? error.name : 'error'}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  timer = setTimeout(() => void tick(), intervalMs);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(running.values());
    },
  };
}
