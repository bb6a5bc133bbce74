import { aws_sns as sns, Duration, Size } from 'aws-cdk-lib';

/**
 * Options for the alarms and the dashboard of a Metaflow platform. Alarms notify an SNS topic: the
 * one given, or a new one with the given email subscriptions; at least one of them is needed.
 * Idle cost: about $0.10 a month per alarm and $3 a month for the dashboard (beyond an account's
 * first three dashboards).
 */
export interface MetaflowMonitoringOptions {
  /**
   * The topic alarms and Batch job failures notify, for example one your on-call tooling subscribes to.
   *
   * @default - a new topic (TLS-only publishing), subscribed by the alarm emails
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Email addresses subscribed to the topic; each receives a confirmation email to accept.
   *
   * @default - no email subscriptions
   */
  readonly alarmEmails?: string[];

  /**
   * Notify the topic when an AWS Batch job on one of the platform's queues fails.
   *
   * @default true
   */
  readonly notifyJobFailures?: boolean;

  /**
   * Alarm when the 99th percentile latency of the public API stays above this for 5 minutes.
   *
   * @default Duration.seconds(5)
   */
  readonly apiLatencyThreshold?: Duration;

  /**
   * Alarm when this percentage of public API requests fails with a 5xx error over 5 minutes.
   *
   * @default 5
   */
  readonly apiServerErrorPercentThreshold?: number;

  /**
   * Alarm when the database's CPU stays above this percentage for 15 minutes.
   *
   * @default 80
   */
  readonly databaseCpuPercentThreshold?: number;

  /**
   * Alarm when the database's free storage falls below this.
   *
   * @default Size.gibibytes(2)
   */
  readonly databaseFreeStorageThreshold?: Size;

  /**
   * Alarm when the database has more connections than this for 5 minutes (a db.t4g.micro allows about 80).
   *
   * @default 60
   */
  readonly databaseConnectionsThreshold?: number;

  /**
   * Name of the CloudWatch dashboard.
   *
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
}
