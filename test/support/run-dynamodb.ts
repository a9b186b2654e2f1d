/** Where jest's global setup leaves the run's DynamoDB Local for the global teardown. */
export const RUN_DYNAMODB = Symbol.for('scim-serverless.test.dynamodb-local');
