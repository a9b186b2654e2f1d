/**
 * Where a push stream may send SETs: https only, except plain http to a loopback host when the
 * deployment allows it (the local server sets EVENTS_ALLOW_LOOPBACK_HTTP; AWS never does).
 */
import { environment } from '../commons/environment';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Why the URL cannot receive pushes, or undefined when it can. */
export function checkPushUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.username || url.password) return 'credentials in the URL: use delivery.authorization_header';
  if (url.hash) return 'no fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && environment.eventsAllowLoopbackHttp() && LOOPBACK.test(url.hostname)) return undefined;
  return environment.eventsAllowLoopbackHttp() ? 'https, or http to a loopback host' : 'https only';
}
