/**
 * The one source of truth for SCIM schemas (RFC 7643 §4 and §8.7). Validation, /Schemas,
 * /ResourceTypes, case-insensitive attribute lookup, filtering, PATCH and projection all read
 * these definitions; no other file lists attribute names.
 */
import type { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition } from './types';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

type Options = Partial<Omit<AttributeDefinition, 'name' | 'description'>>;

/** An attribute with RFC 7643's defaults (§2.2): string, single-valued, optional, caseExact false, readWrite, returned default. */
export function attribute(name: string, description: string, options: Options = {}): AttributeDefinition {
  return {
    name,
    type: 'string',
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

const complex = (name: string, description: string, subAttributes: AttributeDefinition[], options: Options = {}) =>
  attribute(name, description, { type: 'complex', subAttributes, ...options });

const typeAttr = (canonicalValues: string[]) => attribute('type', "A label indicating the attribute's function.", { canonicalValues });
const primaryAttr = attribute('primary', "A Boolean value indicating the 'primary' or preferred attribute value.", {
  type: 'boolean',
});
const displayAttr = (mutability: AttributeDefinition['mutability'] = 'readWrite') =>
  attribute('display', 'A human-readable name, primarily used for display purposes.', { mutability });

/** The common value/display/type/primary shape of multi-valued attributes (RFC 7643 §2.4). */
function multiValued(
  name: string,
  description: string,
  value: AttributeDefinition,
  canonicalTypes: string[],
  options: Options = {},
  display: AttributeDefinition = displayAttr(),
): AttributeDefinition {
  return complex(name, description, [value, display, typeAttr(canonicalTypes), primaryAttr], {
    multiValued: true,
    ...options,
  });
}

const nameAttribute = complex('name', "The components of the user's real name.", [
  attribute('formatted', 'The full name, including all middle names, titles, and suffixes as appropriate.'),
  attribute('familyName', 'The family name of the User.'),
  attribute('givenName', 'The given name of the User.'),
  attribute('middleName', 'The middle name(s) of the User.'),
  attribute('honorificPrefix', 'The honorific prefix(es) of the User.'),
  attribute('honorificSuffix', 'The honorific suffix(es) of the User.'),
]);

const addressAttribute = complex(
  'addresses',
  'A physical mailing address for this User.',
  [
    attribute('formatted', 'The full mailing address, formatted for display.'),
    attribute('streetAddress', 'The full street address component.'),
    attribute('locality', 'The city or locality component.'),
    attribute('region', 'The state or region component.'),
    attribute('postalCode', 'The zip code or postal code component.'),
    attribute('country', 'The country name component (ISO 3166-1 alpha-2).'),
    typeAttr(['work', 'home', 'other']),
    primaryAttr,
  ],
  { multiValued: true },
);

const groupsAttribute = complex(
  'groups',
  'A list of groups to which the user belongs. Read only; served when requested with attributes=groups.',
  [
    attribute('value', "The identifier of the User's group.", { mutability: 'readOnly' }),
    attribute('$ref', 'The URI of the corresponding Group resource.', {
      type: 'reference',
      referenceTypes: ['Group'],
      mutability: 'readOnly',
    }),
    displayAttr('readOnly'),
    attribute('type', 'direct or indirect membership.', { canonicalValues: ['direct', 'indirect'], mutability: 'readOnly' }),
  ],
  // RFC 7643 returns groups by default; this service returns them on request so that a
  // GET by id stays one DynamoDB read (the list lives in membership items, not on the user).
  { multiValued: true, mutability: 'readOnly', returned: 'request' },
);

export const userSchema: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attribute('userName', 'Unique identifier for the User, typically used to sign in. Unique per tenant, case-insensitively.', {
      required: true,
      uniqueness: 'server',
    }),
    nameAttribute,
    attribute('displayName', 'The name of the User, suitable for display to end-users.'),
    attribute('nickName', 'The casual way to address the user in real life.'),
    attribute('profileUrl', "A fully qualified URL pointing to a page representing the User's online profile.", {
      type: 'reference',
      referenceTypes: ['external'],
    }),
    attribute('title', 'The user\'s title, such as "Vice President".'),
    attribute('userType', 'Used to identify the relationship between the organization and the user.'),
    attribute('preferredLanguage', "Indicates the User's preferred written or spoken language (RFC 7231 Accept-Language)."),
    attribute('locale', "Used to indicate the User's default location for localization purposes."),
    attribute('timezone', "The User's time zone in the 'Olson' time zone database format."),
    attribute('active', "A Boolean value indicating the User's administrative status.", { type: 'boolean' }),
    attribute('password', "The User's cleartext password. Never returned.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValued('emails', 'Email addresses for the user.', attribute('value', 'Email address for the User.'), ['work', 'home', 'other']),
    multiValued('phoneNumbers', 'Phone numbers for the User.', attribute('value', 'Phone number of the User.'), [
      'work',
      'home',
      'mobile',
      'fax',
      'pager',
      'other',
    ]),
    multiValued('ims', 'Instant messaging addresses for the User.', attribute('value', 'Instant messaging address for the User.'), [
      'aim',
      'gtalk',
      'icq',
      'xmpp',
      'msn',
      'skype',
      'qq',
      'yahoo',
    ]),
    multiValued(
      'photos',
      'URLs of photos of the User.',
      attribute('value', 'URL of a photo of the User.', {
        type: 'reference',
        referenceTypes: ['external'],
      }),
      ['photo', 'thumbnail'],
    ),
    addressAttribute,
    groupsAttribute,
    multiValued('entitlements', 'A list of entitlements for the User.', attribute('value', 'The value of an entitlement.'), []),
    multiValued('roles', 'A list of roles for the User.', attribute('value', 'The value of a role.'), []),
    multiValued(
      'x509Certificates',
      'A list of certificates issued to the User.',
      attribute('value', 'The value of an X.509 certificate.', {
        type: 'binary',
      }),
      [],
    ),
  ],
};

export const enterpriseUserSchema: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person.'),
    attribute('costCenter', 'Identifies the name of a cost center.'),
    attribute('organization', 'Identifies the name of an organization.'),
    attribute('division', 'Identifies the name of a division.'),
    attribute('department', 'Identifies the name of a department.'),
    complex('manager', "The User's manager.", [
      attribute('value', "The id of the SCIM resource representing the User's manager."),
      attribute('$ref', "The URI of the SCIM resource representing the User's manager.", {
        type: 'reference',
        referenceTypes: ['User'],
      }),
      attribute('displayName', "The displayName of the User's manager.", { mutability: 'readOnly' }),
    ]),
  ],
};

export const groupSchema: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attribute('displayName', 'A human-readable name for the Group. Unique per tenant, case-insensitively.', {
      required: true,
      uniqueness: 'server',
    }),
    complex(
      'members',
      'A list of members of the Group. Members are Users of the same tenant.',
      [
        attribute('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        attribute('$ref', 'The URI corresponding to a SCIM resource that is a member of this Group.', {
          type: 'reference',
          referenceTypes: ['User'],
          mutability: 'immutable',
        }),
        attribute('display', 'A human-readable name for the member.', { mutability: 'readOnly' }),
        attribute('type', 'A label indicating the type of resource.', {
          canonicalValues: ['User'],
          mutability: 'immutable',
        }),
      ],
      { multiValued: true },
    ),
  ],
};

/**
 * Common attributes (RFC 7643 §3.1) of every resource. `id` is case-exact and server-assigned;
 * `externalId` is case-exact and, in this service, unique per tenant and resource type.
 */
export const commonAttributes: readonly AttributeDefinition[] = [
  attribute('id', 'Unique identifier for the resource, assigned by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attribute('externalId', 'An identifier for the resource as defined by the provisioning client.', {
    caseExact: true,
    uniqueness: 'server',
  }),
  complex(
    'meta',
    'Resource metadata.',
    [
      attribute('resourceType', 'The name of the resource type of the resource.', { caseExact: true, mutability: 'readOnly' }),
      attribute('created', 'The DateTime that the resource was added to the service provider.', {
        type: 'dateTime',
        mutability: 'readOnly',
      }),
      attribute('lastModified', 'The most recent DateTime that the details of this resource were updated.', {
        type: 'dateTime',
        mutability: 'readOnly',
      }),
      attribute('location', 'The URI of the resource being returned.', {
        type: 'reference',
        referenceTypes: ['uri'],
        caseExact: true,
        mutability: 'readOnly',
      }),
      attribute('version', 'The version (ETag) of the resource being returned.', { caseExact: true, mutability: 'readOnly' }),
    ],
    { mutability: 'readOnly' },
  ),
];

export const resourceTypes: Record<ResourceTypeDefinition['name'], ResourceTypeDefinition> = {
  User: {
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: USER_SCHEMA,
    schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
  },
  Group: {
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Group',
    schema: GROUP_SCHEMA,
    schemaExtensions: [],
  },
};

export const schemas: readonly SchemaDefinition[] = [userSchema, enterpriseUserSchema, groupSchema];
