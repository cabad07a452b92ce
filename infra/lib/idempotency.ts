import { CfnOutput, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AckbotSettings } from './settings';

/**
 * The durable idempotency store (partition key `id` S, TTL attribute `expiration`, on-demand), as
 * `scope`'s `IdempotencyTable`, named to the worker. The worker may only put, update and delete
 * items of this table: the conditional put claims a key, a put completes it, a delete releases it;
 * with Slack on it may also get one, the context of an assistant thread kept there (items
 * `slack-assistant-context#…`, 30 days), which a later message in the thread reads.
 */
export function idempotencyStore(scope: Construct, settings: AckbotSettings, worker: lambda.Function): dynamodb.Table {
  const table = new dynamodb.Table(scope, 'IdempotencyTable', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: 'expiration',
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    // Keys age out within a day: nothing worth keeping past the stack.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  Validations.of(table).acknowledge({
    id: 'AwsSolutions::AwsSolutions-DDB3',
    reason: 'It holds idempotency keys for a day and Slack assistant threads\' contexts for a month: losing them costs a possible duplicate reply or a context, nothing a backup would be restored for.',
  });
  worker.addEnvironment('ACKBOT_IDEMPOTENCY_TABLE', table.tableName);
  worker.addEnvironment('ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS', String(settings.idempotency.inProgressSeconds * 1000));
  worker.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [
        ...(settings.slack.enabled ? ['dynamodb:GetItem'] : []),
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ],
      resources: [table.tableArn],
    }),
  );
  new CfnOutput(scope, 'IdempotencyTableName', { value: table.tableName });
  return table;
}
