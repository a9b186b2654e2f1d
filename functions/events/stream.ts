/** DynamoDB stream records (as Lambda delivers them) to ItemChanges. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ItemChange } from './change-event';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

const toPlain = (image: Image | undefined) =>
  image ? (unmarshall(image as Record<string, AttributeValue>) as Record<string, unknown>) : undefined;

export function itemChangeOf(record: DynamoDBRecord): ItemChange | undefined {
  const eventName = record.eventName;
  if (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE') return undefined;
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  const oldImage = toPlain(record.dynamodb?.OldImage);
  const newImage = toPlain(record.dynamodb?.NewImage);
  return {
    eventName,
    ...(oldImage ? { oldImage } : {}),
    ...(newImage ? { newImage } : {}),
    timestamp: new Date(seconds ? seconds * 1000 : Date.now()).toISOString(),
    recordId: record.eventID ?? `${record.dynamodb?.SequenceNumber ?? 'local'}`,
  };
}
