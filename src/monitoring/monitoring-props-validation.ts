import { Token } from 'aws-cdk-lib';
import { MetaflowMonitoringOptions } from './monitoring-options';
import { isIntegerInRange, PropErrors, shown } from '../private/prop-errors';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Records every problem of the monitoring props. */
export function validateMonitoringOptions(props: MetaflowMonitoringOptions, errors: PropErrors): void {
  errors.check(props.alarmTopic !== undefined || (props.alarmEmails ?? []).length > 0, 'alarmTopic', 'is missing and alarmEmails is empty, so alarms would notify nobody',
    'pass alarmTopic (an SNS topic your on-call tooling reads) or alarmEmails: [\'team@example.com\']');
  for (const email of props.alarmEmails ?? []) {
    errors.check(Token.isUnresolved(email) || EMAIL.test(email), 'alarmEmails', `'${email}' is not an email address`, 'give addresses such as team@example.com');
  }
  const percent = (value: number | undefined) => value === undefined || Token.isUnresolved(value) || (value > 0 && value <= 100);
  errors.check(percent(props.apiServerErrorPercentThreshold), 'apiServerErrorPercentThreshold',
    `must be a percentage above 0 and at most 100, got ${shown(props.apiServerErrorPercentThreshold)}`, 'use 5 for 5 %');
  errors.check(percent(props.databaseCpuPercentThreshold), 'databaseCpuPercentThreshold',
    `must be a percentage above 0 and at most 100, got ${shown(props.databaseCpuPercentThreshold)}`, 'use 80 for 80 %');
  const connections = props.databaseConnectionsThreshold;
  errors.check(isIntegerInRange(connections, 1), 'databaseConnectionsThreshold',
    `must be a whole number >= 1, got ${shown(connections)}`, 'use a number below the max_connections of your database class');
  const latency = props.apiLatencyThreshold;
  errors.check(latency === undefined || latency.isUnresolved() || latency.toMilliseconds() > 0, 'apiLatencyThreshold', 'must be longer than zero',
    'use Duration.seconds(5)');
}
