/**
 * What a consumer of the change-event bus sees, on moto_server: an EventBridge bus with one rule to an
 * SQS queue (moto delivers synchronously), and the queue read to its end. One copy for the tests that
 * read the bus (redrive.test.ts, eventbridge-member-deltas.test.ts).
 */
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { awsJsonCall, type AwsCallOptions } from '../../functions/commons/aws-json-call';
import type { PublishedEvent } from '../../functions/events/publish';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** An entry as the queue received it. */
export interface QueuedEntry {
  readonly detailType: string;
  /** The size of the message body (the whole EventBridge event). */
  readonly bytes: number;
  readonly detail: PublishedEvent;
}

export interface MotoBus {
  readonly eventBridge: EventBridgeClient;
  /** Every entry the rule delivered since the last call, each deleted from the queue once read. */
  receiveAll(): Promise<QueuedEntry[]>;
}

/** Creates the bus `name`, a rule with `pattern` and its queue target. */
export async function motoBus(endpoint: string, name: string, pattern: Record<string, unknown>): Promise<MotoBus> {
  const eventBridge = new EventBridgeClient({ region: REGION, endpoint, credentials });
  const sqs: AwsCallOptions = { region: REGION, endpoint, credentials: () => credentials, maxAttempts: 3 };
  const sqsCall = <R>(operation: string, input: object) =>
    awsJsonCall<R>({ name: 'sqs', targetPrefix: 'AmazonSQS', jsonVersion: '1.0' }, operation, input, sqs);
  const { QueueUrl } = await sqsCall<{ QueueUrl: string }>('CreateQueue', { QueueName: `${name}-consumer` });
  const { Attributes } = await sqsCall<{ Attributes: { QueueArn: string } }>('GetQueueAttributes', {
    QueueUrl,
    AttributeNames: ['QueueArn'],
  });
  await eventBridge.send(new CreateEventBusCommand({ Name: name }));
  await eventBridge.send(new PutRuleCommand({ Name: 'all', EventBusName: name, EventPattern: JSON.stringify(pattern) }));
  await eventBridge.send(
    new PutTargetsCommand({ Rule: 'all', EventBusName: name, Targets: [{ Id: 'consumer', Arn: Attributes.QueueArn }] }),
  );
  return {
    eventBridge,
    receiveAll: async () => {
      const received: QueuedEntry[] = [];
      for (;;) {
        const { Messages = [] } = await sqsCall<{ Messages?: { Body: string; ReceiptHandle: string }[] }>('ReceiveMessage', {
          QueueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 300,
          WaitTimeSeconds: 0,
        });
        if (Messages.length === 0) return received;
        for (const message of Messages) {
          const entry = JSON.parse(message.Body) as { 'detail-type': string; detail: PublishedEvent };
          received.push({ detailType: entry['detail-type'], bytes: Buffer.byteLength(message.Body), detail: entry.detail });
          await sqsCall('DeleteMessage', { QueueUrl, ReceiptHandle: message.ReceiptHandle });
        }
      }
    },
  };
}
