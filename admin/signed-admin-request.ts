/**
 * Calling the tenant admin API in AWS (`/admin/v1`, AWS_IAM) from Node: the request signed with
 * SigV4 for the `execute-api` service by the SDK's own signer (@smithy/signature-v4), ready for
 * `fetch`. docs/admin-api.md shows it in use; a vendor's backend can copy it as is (its role needs
 * `execute-api:Invoke` on the admin resource). test/unit/admin/signed-admin-request.test.ts holds it
 * to AWS's published SigV4 test vector and to the shape API Gateway's IAM authorization checks.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../functions/commons/aws-json-call';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignedRequest {
  readonly method: string;
  /** Authorization, X-Amz-Date, X-Amz-Security-Token (temporary credentials), Content-Type; not Host (fetch sets it). */
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Signs `method url [json]` for API Gateway in `region` (the service is `execute-api`). */
export async function signedAdminRequest(
  url: string,
  method: string,
  options: { region: string; credentials: SigningCredentials; json?: unknown; service?: string; now?: Date },
): Promise<SignedRequest> {
  const target = new URL(url);
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const signer = new SignatureV4({
    service: options.service ?? 'execute-api',
    region: options.region,
    credentials: options.credentials,
    sha256: NodeSha256,
    // API Gateway does not ask for X-Amz-Content-Sha256 (S3 does): the canonical request hashes the body anyway.
    applyChecksum: false,
  });
  const query: Record<string, string> = {};
  for (const [name, value] of target.searchParams) query[name] = value;
  const signed = await signer.sign(
    {
      method,
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port ? { port: Number(target.port) } : {}),
      path: target.pathname,
      query,
      headers: { host: target.host, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
    },
    options.now ? { signingDate: options.now } : {},
  );
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host'));
  return { method, headers, ...(body === undefined ? {} : { body }) };
}
