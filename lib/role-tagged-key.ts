/**
 * The two signing keys of the stack (access tokens: lib/token-endpoint.ts; event SETs:
 * lib/event-transmitter.ts) are retained KMS ECC_NIST_P256 SIGN_VERIFY keys whose policy names no role
 * ARN: a destroy and redeploy replaces the functions' roles, and a key policy naming a deleted role
 * keeps only its unique id, so the new roles would be locked out of a key that lives on. Instead each
 * use is allowed to the account's principals carrying this deployment's role tag with that use's
 * value, and the one role that may use the key gets the tag and an identity policy for its one action.
 * The account keeps key administration, without any use of the key.
 */
import { createHash } from 'node:crypto';
import { Names, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * Key administration for the account (so the key is never unmanageable), without using it: no
 * Sign, Verify or GetPublicKey, and no CreateGrant (a grant would hand out Sign beside this policy).
 */
const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:Delete*',
  'kms:Describe*',
  'kms:Disable*',
  'kms:Enable*',
  'kms:GetKeyPolicy',
  'kms:List*',
  'kms:Put*',
  'kms:Revoke*',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:Update*',
];

/** The role tag the signing keys' policies check (value: `<deployment>:<use>`). */
export const SIGNING_KEY_ROLE_TAG = 'scim-signing-key';

/** The deployment's stable id (16 hex digits of the endpoint's construct path): the same across a destroy and redeploy. */
export const deploymentId = (endpoint: Construct): string =>
  createHash('sha256').update(Names.uniqueId(endpoint)).digest('hex').slice(0, 16);

export interface KeyUse {
  /** The key policy statement's sid. */
  readonly sid: string;
  /** The one action (`kms:Sign`, `kms:GetPublicKey`). */
  readonly action: string;
  /** The role that may; it gets the tag `<deployment>:<tag>`. A role carries one such tag: one use per role. */
  readonly role: iam.IRole;
  readonly tag: string;
}

export interface RoleTaggedKeyProps {
  readonly description: string;
  readonly deployment: string;
  readonly uses: readonly KeyUse[];
}

/** A retained ES256 signing key whose uses go to tagged roles of this deployment. */
export function roleTaggedSigningKey(scope: Construct, id: string, props: RoleTaggedKeyProps): kms.Key {
  const tagValue = (use: KeyUse) => `${props.deployment}:${use.tag}`;
  const key = new kms.Key(scope, id, {
    keySpec: kms.KeySpec.ECC_NIST_P256,
    keyUsage: kms.KeyUsage.SIGN_VERIFY,
    description: props.description,
    // What it signed is verified after the stack goes (tokens, SETs in their retention): deleted by hand.
    removalPolicy: RemovalPolicy.RETAIN,
    policy: new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'KeyAdministration',
          principals: [new iam.AccountRootPrincipal()],
          actions: KEY_ADMIN_ACTIONS,
          resources: ['*'],
        }),
        ...props.uses.map(
          (use) =>
            new iam.PolicyStatement({
              sid: use.sid,
              principals: [new iam.AccountRootPrincipal()],
              actions: [use.action],
              resources: ['*'],
              conditions: { StringEquals: { [`aws:PrincipalTag/${SIGNING_KEY_ROLE_TAG}`]: tagValue(use) } },
            }),
        ),
      ],
    }),
  });
  for (const use of props.uses) {
    Tags.of(use.role).add(SIGNING_KEY_ROLE_TAG, tagValue(use));
    iam.Grant.addToPrincipal({ grantee: use.role, actions: [use.action], resourceArns: [key.keyArn] });
  }
  return key;
}
