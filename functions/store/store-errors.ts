/**
 * What the store throws when a write cannot be done as asked, in the store's own words: no HTTP
 * status and no SCIM error type here. The provisioning edge (provisioning/store-error-mapping.ts)
 * turns them into SCIM errors; other callers (the CLI, the benchmark) read the message.
 */

/** A conditional write found another version than the one read (or the item is gone or leased). */
export class VersionConflict extends Error {
  constructor() {
    super('version conflict');
    this.name = 'VersionConflict';
  }
}

/** Another resource of the tenant holds a value that must be unique (its uniqueness item exists). */
export class UniqueValueTaken extends Error {
  constructor(
    readonly resourceType: string,
    readonly attribute: string,
  ) {
    super(`A ${resourceType} with this ${attribute} already exists in this tenant.`);
    this.name = 'UniqueValueTaken';
  }
}

/** A resource id that cannot be a key (empty, or longer than the key's limit). */
export class InvalidResourceId extends Error {
  constructor(readonly maxBytes: number) {
    super(`A resource id must be 1 to ${maxBytes} bytes.`);
    this.name = 'InvalidResourceId';
  }
}

/** A resource larger than one item may hold. */
export class ResourceTooLarge extends Error {
  constructor(
    readonly resourceType: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`The ${resourceType} is ${bytes} bytes; a resource may be at most ${maxBytes} bytes.`);
    this.name = 'ResourceTooLarge';
  }
}

/** The resource to change is not there (never was, or was deleted meanwhile). */
export class ResourceNotFound extends Error {
  constructor(
    readonly resourceType: string,
    readonly id: string,
  ) {
    super(`${resourceType} ${id} not found.`);
    this.name = 'ResourceNotFound';
  }
}

/** Another writer holds the group's lease past what this request may wait: retry at `retryAt` (epoch ms). */
export class GroupBusy extends Error {
  constructor(
    readonly retryAt: number,
    message = 'group busy',
  ) {
    super(message);
    this.name = 'GroupBusy';
  }
}

/** A lease holder ran out of time: its change is stored and will be finished by the next writer. */
export class GroupChangeUnfinished extends GroupBusy {
  constructor(retryAt: number) {
    super(retryAt, 'group change unfinished');
    this.name = 'GroupChangeUnfinished';
  }
}
