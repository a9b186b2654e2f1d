/**
 * Optional AWS Backup plan for the SCIM table (issue #26; prop `backup`). Point-in-time recovery
 * (always on) restores any second of the last 35 days in the same account and Region; this plan
 * adds snapshots that outlive the table, the stack, and (with `copyTo`) the account or Region.
 * docs/operations.md has the restore runbook and the RPO/RTO each path gives.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface BackupProps {
  /** When snapshots are taken. @default daily at 03:00 UTC */
  readonly schedule?: events.Schedule;
  /** How long each snapshot is kept. @default 35 days */
  readonly retention?: Duration;
  /**
   * Also copy each snapshot to this vault in another account or Region (its access policy must
   * allow this account's backup role to copy in). @default no copy
   */
  readonly copyTo?: { readonly vaultArn: string; readonly retention?: Duration };
}

export const DEFAULT_BACKUP_SCHEDULE = events.Schedule.cron({ hour: '3', minute: '0' });
export const DEFAULT_BACKUP_RETENTION = Duration.days(35);

export class ScimBackup extends Construct {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: BackupProps & { readonly table: dynamodb.ITable }) {
    super(scope, id);
    // Retained: the snapshots are what is left when the stack or the table is gone.
    this.vault = new backup.BackupVault(this, 'Vault', { removalPolicy: RemovalPolicy.RETAIN });
    const retention = props.retention ?? DEFAULT_BACKUP_RETENTION;
    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: this.vault });
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'ScimTable',
        scheduleExpression: props.schedule ?? DEFAULT_BACKUP_SCHEDULE,
        deleteAfter: retention,
        ...(props.copyTo
          ? {
              copyActions: [
                {
                  destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'CopyVault', props.copyTo.vaultArn),
                  deleteAfter: props.copyTo.retention ?? retention,
                },
              ],
            }
          : {}),
      }),
    );
    this.plan.addSelection('Table', { resources: [backup.BackupResource.fromDynamoDbTable(props.table)] });
  }
}
