/**
 * Where stream batches go when a consumer (membership janitor, change publisher) still fails after
 * its retries (issue #26): an S3 bucket as the event source mappings' on-failure destination. For a
 * DynamoDB stream Lambda writes the WHOLE invocation record there, the batch's records included,
 * so a failure outlives the stream's 24 h retention (an SQS destination would hold only the shard
 * and sequence range). `scim-admin events redrive` replays them (admin/redrive.ts), moving each
 * replayed object under `redriven/`, which expires after 30 days.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { REDRIVEN_PREFIX } from '../functions/events/failed-batch';

export class FailedBatchBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The records are the only copy of changes that never reached their consumers.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'ExpireRedriven', prefix: REDRIVEN_PREFIX, expiration: Duration.days(30) }],
    });
  }

  /** The on-failure destination of a stream event source, granting the consumer PutObject (and ListBucket) only. */
  destination(): lambda.IEventSourceDlq {
    const bucket = this.bucket;
    return {
      bind(_mapping: lambda.IEventSourceMapping, fn: lambda.IFunction): lambda.DlqDestinationConfig {
        // What Lambda needs to write the invocation record, nothing more (bucket.grantPut adds Abort*, tagging, retention).
        iam.Grant.addToPrincipal({ grantee: fn, actions: ['s3:PutObject'], resourceArns: [bucket.arnForObjects('*')] });
        iam.Grant.addToPrincipal({ grantee: fn, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn] });
        return { destination: bucket.bucketArn };
      },
    };
  }
}
