/**
 * Least privilege on the table: the DynamoDB actions each function's code calls, and nothing else.
 * The construct grants exactly these (table.grant), and test/cdk/least-privilege.test.ts proves
 * both halves: the template grants these lists, and the lists equal what each bundle can call
 * (the document-client commands its tree-shaken code constructs). A function that starts calling
 * something new fails that test until the action is added here.
 *
 * TransactWriteItems is authorized per item action, and a transaction's items are built at run
 * time, so a function that sends transactions gets the four item actions a transaction may carry.
 */

/** Document-client command → the IAM actions DynamoDB checks for it. */
export const COMMAND_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  GetCommand: ['dynamodb:GetItem'],
  PutCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  QueryCommand: ['dynamodb:Query'],
  ScanCommand: ['dynamodb:Scan'],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  TransactGetCommand: ['dynamodb:GetItem'],
  TransactWriteCommand: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'],
};

/** Reads by key and by query, conditional writes and transactions: every writer of the table's items. */
const RESOURCE_WRITER_WITHOUT_BATCH = [
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

/** The SCIM resource functions': the same with batch reads (members' resources) and batch writes (memberships). */
const RESOURCE_WRITER = [...RESOURCE_WRITER_WITHOUT_BATCH, 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'].sort();

/** A function that reads key items and writes a failed request's activity record (PutItem or a transaction). */
const ACTIVITY_WRITER = [
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
] as const;

/**
 * By function name (functions/routes.ts names, plus the onboarding custom resource). Sorted. The
 * resource functions share services that write (search's cursor key, Bulk's writes), so they share one list.
 */
export const TABLE_ACTIONS = {
  /** As the others but no BatchWriteItem: a deleted user's memberships go in transactions (with their departure notes). */
  users: RESOURCE_WRITER.filter((action) => action !== 'dynamodb:BatchWriteItem'),
  groups: RESOURCE_WRITER,
  search: RESOURCE_WRITER,
  bulk: RESOURCE_WRITER,
  /**
   * The tenant item (its schema profile: extensions, dialect), read per settings digest; a failed
   * request's activity record (PutItem, or a transaction conditional on the tenant existing).
   */
  discovery: ACTIVITY_WRITER,
  /** Token item, then tenant item; or OAuth client item and tenant item; a refusal's activity record (one transaction). */
  authorizer: ['dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
  /** OAuth token endpoint: tenant and client items, the per-tenant request counter, the activity record. */
  token: ACTIVITY_WRITER,
  /**
   * Reads memberships and deletes them in batches; a deleted user's in transactions, each with its
   * departure note (conditional Delete + Put: the activity log's remove_member).
   */
  janitor: [
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DeleteItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:UpdateItem',
  ],
  /** Reads the stream (grantStreamRead), and from the table only a large group write's member delta chunks (one Query). */
  publisher: ['dynamodb:Query'],
  /** Reads the tenant's event streams, writes SETs to their outboxes (conditional put). */
  outbox: ['dynamodb:PutItem', 'dynamodb:Query'],
  /** Push: streams and outboxes read, SETs deleted, retried, moved to the dead letters (a transaction), the stream's lease. */
  delivery: RESOURCE_WRITER_WITHOUT_BATCH,
  /** Poll: the stream item, its outbox read, SETs deleted or moved to the dead letters. */
  ssf: RESOURCE_WRITER_WITHOUT_BATCH,
  /** Activity records in batches, health counters, the tenant item (its activity settings), a large group write's member delta chunks, the groups a departure note names (BatchGetItem: a user's deletion records remove_member). */
  recorder: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  /**
   * Tenant and token items; the tenant's declared federated credentials: listed (Query), written and
   * removed with their id claims (transactions).
   */
  onboarding: RESOURCE_WRITER_WITHOUT_BATCH,
  /**
   * The tenant admin API: tenant items (conditional writes), the tenant registry (Query), the cursor key;
   * secret tokens with their listing and the tenant's counter, event streams (created, changed, deleted)
   * and their dead letters (redriven in transactions), federated credentials with their id claims;
   * a user's activity records (GSI1, then BatchGetItem).
   */
  admin: [...RESOURCE_WRITER_WITHOUT_BATCH, 'dynamodb:BatchGetItem'].sort(),
  /**
   * The tenant purge: a deleted tenant's partitions read (Query) and deleted in batches, its progress
   * and lease on the tenant item (conditional UpdateItem), the tenant item last (conditional DeleteItem).
   */
  purge: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
} as const satisfies Record<string, readonly string[]>;

export type TableUser = keyof typeof TABLE_ACTIONS;
