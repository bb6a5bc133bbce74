import { Duration } from 'aws-cdk-lib';
import { PropErrors } from '../private/prop-errors';

/** The Lambda function's own limit, less a margin for starting the task and reporting back. */
export const MAX_MIGRATION_TIMEOUT = Duration.minutes(13);

/**
 * Records a problem with a migration timeout above what a deploy-time Lambda can wait.
 * `errors` is positioned at the prop (e.g. `metadata.migrationTimeout`).
 */
export function validateMigrationTimeout(timeout: Duration | undefined, errors: PropErrors): void {
  errors.check(timeout === undefined || timeout.isUnresolved() || timeout.toSeconds() <= MAX_MIGRATION_TIMEOUT.toSeconds(), '',
    `${timeout?.toHumanString()} exceeds 13 minutes, the most a deploy-time Lambda can wait`, 'use at most Duration.minutes(13)');
}
