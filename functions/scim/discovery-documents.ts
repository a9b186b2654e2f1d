/**
 * Discovery resources (RFC 7644 §4, RFC 7643 §5-§7): ServiceProviderConfig, Schemas and
 * ResourceTypes, all generated from the schema definitions and the service's limits so that what
 * is advertised is what is enforced.
 */
import type { ScimProfile } from './scim-profile';
import type { RequiredAttributes, SchemaRegistry } from './schema/registry';
import type { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition, ScimResource } from './schema/types';

const CORE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:';
const SERVICE_PROVIDER_CONFIG_SCHEMA = `${CORE_SCHEMA}ServiceProviderConfig`;
const RESOURCE_TYPE_SCHEMA = `${CORE_SCHEMA}ResourceType`;
const SCHEMA_SCHEMA = `${CORE_SCHEMA}Schema`;

export interface ServiceProviderOptions {
  readonly baseUrl: string;
  readonly bulk: { readonly maxOperations: number; readonly maxPayloadSize: number };
  readonly filterMaxResults: number;
  readonly pagination: { readonly defaultPageSize: number; readonly maxPageSize: number; readonly cursorTimeout: number };
  readonly sortSupported: boolean;
  readonly etagSupported: boolean;
  /** RFC 9967 §4: the SET event URIs the service publishes (no asynchronous requests). */
  readonly eventUris: readonly string[];
}

export function serviceProviderConfig(options: ServiceProviderOptions): ScimResource {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    documentationUri: 'https://github.com/scim-serverless/scim-serverless#readme',
    patch: { supported: true },
    bulk: { supported: true, maxOperations: options.bulk.maxOperations, maxPayloadSize: options.bulk.maxPayloadSize },
    filter: { supported: true, maxResults: options.filterMaxResults },
    changePassword: { supported: false },
    sort: { supported: options.sortSupported },
    etag: { supported: options.etagSupported },
    // RFC 9865 §4: both index and cursor pagination are served.
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: options.pagination.defaultPageSize,
      maxPageSize: options.pagination.maxPageSize,
      cursorTimeout: options.pagination.cursorTimeout,
    },
    securityEvents: { asyncRequest: 'none', eventUris: [...options.eventUris] },
    // Both credentials are bearer tokens (RFC 6750); the access token comes from the tenant's
    // OAuth 2.0 token endpoint, beside its SCIM base URL, for a client secret or a client assertion.
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth 2.0 client credentials',
        description:
          `Get an access token at the token endpoint ${options.baseUrl.replace(/\/scim\/v2$/, '/oauth2/token')} ` +
          "(grant_type=client_credentials with the client's id and secret, RFC 6749 section 4.4) and send it as 'Authorization: Bearer <access token>'.",
        specUri: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.4',
        primary: true,
      },
      {
        type: 'oauthbearertoken',
        name: 'OAuth 2.0 client assertion (workload identity federation)',
        description:
          `Get an access token at the same token endpoint with grant_type=client_credentials, the client_id of a federated credential ` +
          'and an RFC 7523 client assertion (client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer) signed by ' +
          'the identity provider the tenant trusts (Microsoft Entra workload identity federation): no shared secret. RFC 8414 metadata at ' +
          `${options.baseUrl.replace(/\/scim\/v2$/, '/.well-known/oauth-authorization-server')}.`,
        specUri: 'https://www.rfc-editor.org/rfc/rfc7523',
        primary: false,
      },
      {
        type: 'oauthbearertoken',
        name: 'Secret token',
        description: "The tenant's long-lived secret token, sent as 'Authorization: Bearer <token>'.",
        specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: false,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${options.baseUrl}/ServiceProviderConfig` },
  };
}

/** Every schema the tenant serves: RFC 7643's, then the tenant's own extensions. */
export function schemaResources(profile: ScimProfile, baseUrl: string): ScimResource[] {
  return profile.schemas.schemas.map((schema) => schemaAsResource(profile.schemas, baseUrl, schema));
}

export function schemaResource(profile: ScimProfile, baseUrl: string, id: string): ScimResource | undefined {
  const schema = profile.schemas.schemaById(id);
  return schema ? schemaAsResource(profile.schemas, baseUrl, schema) : undefined;
}

export function resourceTypeResources(profile: ScimProfile, baseUrl: string): ScimResource[] {
  return profile.schemas.resourceTypes().map((resourceType) => resourceTypeAsResource(baseUrl, resourceType));
}

export function resourceTypeResource(profile: ScimProfile, baseUrl: string, id: string): ScimResource | undefined {
  const match = profile.schemas.resourceTypes().find((resourceType) => resourceType.id.toLowerCase() === id.toLowerCase());
  return match ? resourceTypeAsResource(baseUrl, match) : undefined;
}

function resourceTypeAsResource(baseUrl: string, resourceType: ResourceTypeDefinition): ScimResource {
  const { id, name, endpoint, description, schema, schemaExtensions } = resourceType;
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id,
    name,
    endpoint,
    description,
    schema,
    schemaExtensions: schemaExtensions.map((extension) => ({ ...extension })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${id}` },
  };
}

/**
 * A schema as /Schemas serves it. The core User and Group schemas also list `externalId`: RFC 7643
 * §3.1 makes it a common attribute outside every schema, but clients discover mappable attributes
 * by flattening /Schemas (Microsoft's gallery validation fails a mapping to `externalId` it cannot
 * find there), and describing an accepted attribute where the resource carries it is what §7's
 * `attributes` is for.
 */
function schemaAsResource(registry: SchemaRegistry, baseUrl: string, schema: SchemaDefinition): ScimResource {
  const marks = requiredMarks(registry, schema, registry.requiredAttributes());
  const isCore = registry.resourceTypes().some((rt) => rt.schema === schema.id);
  const externalId = registry.commonAttributes().find((a) => a.name === 'externalId');
  const attributes = isCore && externalId ? [...schema.attributes, externalId] : schema.attributes;
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: attributes.map((attribute) => withRequired(attribute, marks, attribute.name)),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

/** Lower-cased `attr` / `attr.sub` names of this schema that the tenant requires. */
function requiredMarks(registry: SchemaRegistry, schema: SchemaDefinition, required: RequiredAttributes): Set<string> {
  const marks = new Set<string>();
  for (const type of registry.resourceTypes().map((rt) => rt.name)) {
    for (const path of required[type] ?? []) {
      // `roles[primary eq "True"].value` requires `roles` and `roles.value`.
      const plain = path.replace(/\[[^\]]*\]/g, '');
      const resolved = registry.resolvePath(type, registry.qualifyPath(type, plain));
      if (!resolved || resolved.schema !== schema.id) continue;
      marks.add(resolved.definition.name.toLowerCase());
      if (resolved.subDefinition) marks.add(`${resolved.definition.name}.${resolved.subDefinition.name}`.toLowerCase());
    }
  }
  return marks;
}

/** The attribute as RFC 7643 §7 describes it (internal `aliases` left out), with the tenant's required marks. */
function withRequired(attribute: AttributeDefinition, marks: Set<string>, path: string): AttributeDefinition {
  const subAttributes = attribute.subAttributes?.map((sub) => withRequired(sub, marks, `${path}.${sub.name}`));
  const { aliases: _aliases, ...described } = attribute;
  return {
    ...described,
    required: attribute.required || marks.has(path.toLowerCase()),
    ...(subAttributes ? { subAttributes } : {}),
  };
}
