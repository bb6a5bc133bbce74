import { aws_logs as logs } from 'aws-cdk-lib';
import { PropErrors, shown } from './prop-errors';

const RETENTION_DAYS = new Set<number>(Object.values(logs.RetentionDays).filter((value): value is number => typeof value === 'number'));

/**
 * Records a problem unless `value` is one of CloudWatch Logs' retention periods. TypeScript allows only the enum's
 * members, but a Python caller can pass any number (30.5, 45), which CloudWatch Logs would refuse at deploy time.
 */
export function checkRetentionDays(value: logs.RetentionDays | undefined, prop: string, errors: PropErrors): void {
  errors.check(value === undefined || RETENTION_DAYS.has(value), prop, `must be one of CloudWatch Logs' retention periods (1, 3, 5, 7, 14, 30, 60, 90, ...), got ${shown(value)}`,
    'use a logs.RetentionDays member such as RetentionDays.ONE_MONTH');
}
