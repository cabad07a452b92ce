import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AckbotSettings } from './settings';

/** The CloudWatch namespace of the metrics both functions write as embedded-metric-format lines. */
export const METRIC_NAMESPACE = 'ackbot';

/** The counts both functions write. */
export type BotMetricName = 'Processed' | 'Rejected' | 'Duplicate' | 'Failed';
/** Which function wrote a count (`ACKBOT_ROLE`). */
export type BotRole = 'worker' | 'front';

/**
 * One of the metrics the functions write (namespace `ackbot`, dimensions `Bot` = `botName` and
 * `Role`), a count summed unless `props` says otherwise.
 */
export function botMetric(botName: string, metricName: BotMetricName, role: BotRole, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    statistic: 'Sum',
    ...props,
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { Bot: botName, Role: role },
  });
}

/** What the alarms watch. */
export interface AlarmTargets {
  readonly botName: string;
  readonly worker: lambda.IFunction;
  readonly frontDoor?: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
}

/** Alarms (children of `scope`) on the things that mean a webhook was not handled. */
export function addAlarms(scope: Construct, settings: AckbotSettings, targets: AlarmTargets): void {
  const period = Duration.seconds(settings.alarms.periodSeconds);
  const alarms = [
    new cloudwatch.Alarm(scope, 'DeadLetterQueueNotEmpty', {
      alarmDescription: 'ackbot: Envelopes failed after all retries and wait in the dead-letter queue',
      metric: targets.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'WorkerErrors', {
      alarmDescription: 'ackbot: the worker failed invocations (Lambda will retry them)',
      metric: targets.worker.metricErrors({ period, statistic: 'Sum' }),
      threshold: settings.alarms.functionErrorsThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'WorkerDestinationDeliveryFailures', {
      alarmDescription: 'ackbot: a failed Envelope could not be parked in the dead-letter queue (it is lost)',
      metric: targets.worker.metric('DestinationDeliveryFailures', { period, statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  ];
  if (targets.frontDoor) alarms.push(...frontDoorAlarms(scope, targets.frontDoor, settings, period));
  alarms.push(rejectionAlarm(scope, targets.botName, settings, period));
  if (settings.alarms.snsTopicArn) {
    const topic = sns.Topic.fromTopicArn(scope, 'AlarmTopic', settings.alarms.snsTopicArn);
    for (const alarm of alarms) alarm.addAlarmAction(new cwActions.SnsAction(topic));
  }
}

/**
 * A spike of refused requests, from the `Rejected` metric both functions write in CloudWatch's
 * embedded metric format (namespace `ackbot`, dimensions `Bot` and `Role`): someone is posting to
 * the webhook URLs, or a secret was rotated on one side only.
 */
function rejectionAlarm(scope: Construct, botName: string, settings: AckbotSettings, period: Duration): cloudwatch.Alarm {
  const rejected = (role: BotRole) => botMetric(botName, 'Rejected', role, { period, statistic: 'Sum' });
  const metric = new cloudwatch.MathExpression({
    expression: 'FILL(worker, 0) + FILL(front, 0)',
    usingMetrics: { worker: rejected('worker'), front: rejected('front') },
    label: 'Rejected requests',
    period,
  });
  return new cloudwatch.Alarm(scope, 'RejectedRequests', {
    alarmDescription: 'ackbot: many requests were refused (bad signature, stale, unparsable): a flood, or a secret rotated on one side only',
    metric,
    threshold: settings.alarms.rejectedThreshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/**
 * The front door's failures reach the platform directly: a function error or timeout is a 502 from
 * API Gateway (Slack retries events, not interactions), and the worker may never get the Envelope.
 * `Duration` is watched halfway between the ack deadline and the timeout: past it, the front door
 * overshot its own deadline and the platform's is close.
 */
function frontDoorAlarms(scope: Construct, front: lambda.IFunction, settings: AckbotSettings, period: Duration): cloudwatch.Alarm[] {
  const f = settings.front;
  const nearTimeoutMs = Math.round(f.ackDeadlineMs + (f.timeoutSeconds * 1000 - f.ackDeadlineMs) / 2);
  return [
    new cloudwatch.Alarm(scope, 'FrontDoorErrors', {
      alarmDescription: 'ackbot: the front door failed requests (API Gateway answered the platform 502)',
      metric: front.metricErrors({ period, statistic: 'Sum' }),
      threshold: settings.alarms.functionErrorsThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'FrontDoorNearTimeout', {
      alarmDescription: `ackbot: the front door ran over ${nearTimeoutMs} ms, past its ${f.ackDeadlineMs} ms ack deadline and close to its ${f.timeoutSeconds} s timeout`,
      metric: front.metricDuration({ period, statistic: 'Maximum' }),
      threshold: nearTimeoutMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  ];
}
