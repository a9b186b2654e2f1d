/**
 * Bundled in place of `@aws-sdk/credential-provider-node` (the alias in lib/bundling.ts). Lambda
 * gives a function its role's credentials in the environment; the default chain's other sources
 * (shared ini files, SSO, web identity, process, container and instance metadata), and the STS and
 * SSO clients they bring, never run there but cost about 90 KiB of every bundle and its load time.
 * Source runs (local server, tests, admin CLI) keep the SDK's full chain: only bundles use this.
 */
import { environment } from './environment';

/** Same shape as the SDK's `defaultProvider(init)`: a function returning a credential provider. */
export const defaultProvider = (_init?: unknown) => async () => environment.awsCredentials();
