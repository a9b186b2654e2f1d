/**
 * Bundled in place of `node:http` (the alias in lib/bundling.ts). An ES `import` of a built-in
 * makes Node read every export of it, and node:http's lazy `WebSocket`, `CloseEvent` and
 * `MessageEvent` getters then load undici (with http2, tls and worker_threads): about 30 ms of CPU
 * at every cold start for middy's STATUS_CODES. `require` reads nothing it is not asked for. The
 * named exports are node:http's plain values; its getters (globalAgent, maxHeaderSize, the undici
 * ones) only through the default export, read when used. A bundle importing another name by name
 * fails to build rather than run without it.
 */
import { createRequire } from 'node:module';

const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');

export default http;
export const {
  METHODS,
  STATUS_CODES,
  Agent,
  ClientRequest,
  IncomingMessage,
  OutgoingMessage,
  Server,
  ServerResponse,
  createServer,
  validateHeaderName,
  validateHeaderValue,
  get,
  request,
  setMaxIdleHTTPParsers,
} = http;
