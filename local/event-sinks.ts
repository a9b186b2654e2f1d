/**
 * Where `npm start` sends change events (SCIM_EVENTS): `file` appends JSON Lines to
 * `<dataDir>/events.jsonl` (default), `print` writes them to stdout, `off` drops them. Tests pass
 * their own sink to startLocalStack. Events are RFC 9967 SET claim sets (functions/events/change-event.ts).
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventSink } from '../functions/events/publish';

export type EventsMode = 'file' | 'print' | 'off';

export function eventsModeFromEnv(raw: string | undefined): EventsMode {
  const mode = (raw ?? 'file').toLowerCase();
  if (mode === 'file' || mode === 'print' || mode === 'off') return mode;
  throw new Error(`SCIM_EVENTS must be file, print or off, got "${raw}"`);
}

export function localEventSink(mode: EventsMode, dataDir: string): EventSink | undefined {
  if (mode === 'off') return undefined;
  return async (events) => {
    const lines = events.map((event) => `${JSON.stringify(event)}\n`).join('');
    if (mode === 'print') process.stdout.write(lines);
    else await appendFile(join(dataDir, 'events.jsonl'), lines);
    return [];
  };
}
