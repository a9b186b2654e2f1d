/**
 * SCIM errors (RFC 7644 §3.12). Every failure the service reports to a client is a ScimError;
 * the HTTP layer turns it into the SCIM error body with `status` as a string.
 */
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** scimType values from RFC 7644 Table 9, plus the cursor errors of RFC 9865. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'invalidCursor'
  | 'expiredCursor'
  | 'invalidCount';

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail?: string;
}

export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  /** Extra response headers, e.g. Retry-After on 429/503. */
  readonly headers: Record<string, string>;

  constructor(status: number, detail: string, scimType?: ScimType, headers: Record<string, string> = {}) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
    this.headers = headers;
  }

  toBody(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [SCIM_ERROR_SCHEMA], status: String(this.status) };
    if (this.scimType) body.scimType = this.scimType;
    body.detail = this.message;
    return body;
  }
}

export const badRequest = (scimType: ScimType, detail: string): ScimError => new ScimError(400, detail, scimType);
export const invalidValue = (detail: string): ScimError => badRequest('invalidValue', detail);
export const invalidFilter = (detail: string): ScimError => badRequest('invalidFilter', detail);
export const invalidPath = (detail: string): ScimError => badRequest('invalidPath', detail);
export const notFound = (detail: string): ScimError => new ScimError(404, detail);
export const conflict = (detail: string): ScimError => new ScimError(409, detail, 'uniqueness');

export const isScimError = (error: unknown): error is ScimError => error instanceof ScimError;
