import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { MetaflowAuroraDatabaseOptions } from './aurora-database';
import { MetaflowDatabaseOptions } from './database';
import { MetaflowDatabaseCommonOptions } from './database-common-options';
import { MetaflowExistingDatabaseOptions } from './existing-database-options';
import { isIntegerInRange, PropErrors, shown } from '../private/prop-errors';

/** The oldest PostgreSQL major that refuses unencrypted connections on RDS and that the service was run against. */
const MIN_POSTGRES_MAJOR = 15;
const DAY_MILLISECONDS = 24 * 60 * 60 * 1000;
const TIME = '([01]\\d|2[0-3]):[0-5]\\d';
const DAY = '(mon|tue|wed|thu|fri|sat|sun)';
const MAINTENANCE_WINDOW = new RegExp(`^${DAY}:${TIME}-${DAY}:${TIME}$`, 'i');
const BACKUP_WINDOW = new RegExp(`^${TIME}-${TIME}$`);
const POSTGRES_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
/** A snapshot's identifier (letters, digits, hyphens) or its ARN (a shared or copied snapshot). */
const SNAPSHOT = /^([A-Za-z][A-Za-z0-9-]{0,254}|arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(cluster-)?snapshot:[A-Za-z0-9:-]+)$/;
const SERVERLESS_V2_MAX_ACU = 256;

/** Records every problem of the options all created databases share. */
function validateCommonDatabaseOptions(props: MetaflowDatabaseCommonOptions, errors: PropErrors): void {
  // toDays() throws for a duration that is not whole days (Duration.hours(36)): measure in milliseconds instead.
  const backupDays = props.backupRetention && props.backupRetention.toMilliseconds() / DAY_MILLISECONDS;
  errors.check(backupDays === undefined || isIntegerInRange(backupDays, 1, 35), 'backupRetention', `must be 1 to 35 whole days, got ${props.backupRetention?.toHumanString()}`,
    'keep at least one day of automated backups, such as Duration.days(2)');
  errors.check(props.preferredMaintenanceWindow === undefined || MAINTENANCE_WINDOW.test(props.preferredMaintenanceWindow), 'preferredMaintenanceWindow',
    `'${props.preferredMaintenanceWindow}' is not a weekly window`, 'write it as ddd:hh24:mi-ddd:hh24:mi in UTC, such as sun:04:00-sun:04:30');
  errors.check(props.preferredBackupWindow === undefined || BACKUP_WINDOW.test(props.preferredBackupWindow), 'preferredBackupWindow',
    `'${props.preferredBackupWindow}' is not a daily window`, 'write it as hh24:mi-hh24:mi in UTC, such as 03:00-03:30');
  checkPostgresNames(props, errors);
  errors.check(props.snapshotIdentifier === undefined || SNAPSHOT.test(props.snapshotIdentifier), 'snapshotIdentifier',
    `'${props.snapshotIdentifier}' is neither a snapshot identifier nor a snapshot ARN`, 'copy the identifier or the ARN from aws rds describe-db-snapshots');
  errors.check(props.snapshotIdentifier === undefined || props.encryptionKey === undefined, 'encryptionKey',
    'is set together with snapshotIdentifier, but a restored database keeps the key of its snapshot', 'leave encryptionKey unset, or copy the snapshot with the new key first');
}

/** Records every problem of the RDS instance's options. */
export function validateDatabaseOptions(props: MetaflowDatabaseOptions, errors: PropErrors): void {
  validateCommonDatabaseOptions(props, errors);
  const major = Number(props.engineVersion?.postgresMajorVersion ?? MIN_POSTGRES_MAJOR);
  errors.check(major >= MIN_POSTGRES_MAJOR, 'engineVersion', `PostgreSQL ${props.engineVersion?.postgresFullVersion} is older than ${MIN_POSTGRES_MAJOR}`,
    'use rds.PostgresEngineVersion.VER_17 or VER_16');
  errors.check(isIntegerInRange(props.allocatedStorageGiB, 20, 65536), 'allocatedStorageGiB', `must be a whole number from 20 to 65536, got ${shown(props.allocatedStorageGiB)}`,
    'use 20 (the gp3 minimum) or more');
  const allocated = props.allocatedStorageGiB ?? 20;
  errors.check(props.maxAllocatedStorageGiB === undefined || props.maxAllocatedStorageGiB > allocated, 'maxAllocatedStorageGiB',
    `(${props.maxAllocatedStorageGiB}) must exceed allocatedStorageGiB (${allocated})`, 'raise maxAllocatedStorageGiB');
}

/** Records every problem of the Aurora cluster's options. */
export function validateAuroraDatabaseOptions(props: MetaflowAuroraDatabaseOptions, errors: PropErrors): void {
  validateCommonDatabaseOptions(props, errors);
  const major = Number(props.engineVersion?.auroraPostgresMajorVersion ?? MIN_POSTGRES_MAJOR);
  errors.check(major >= MIN_POSTGRES_MAJOR, 'engineVersion', `Aurora PostgreSQL ${props.engineVersion?.auroraPostgresFullVersion} is older than ${MIN_POSTGRES_MAJOR}`,
    'use rds.AuroraPostgresEngineVersion.VER_17_9 or another 16 or 17 version');
  const min = props.serverlessV2MinCapacity;
  errors.check(min !== 0, 'serverlessV2MinCapacity',
    'is 0 (auto-pause), but the metadata service and the UI keep connections open, so the cluster never pauses, and while one resumes clients get HTTP 500 and fail',
    'use 0.5, the smallest capacity that stays up');
  errors.check(min === undefined || min === 0 || isHalfUnit(min, 0.5), 'serverlessV2MinCapacity', `must be 0.5 to ${SERVERLESS_V2_MAX_ACU} in steps of 0.5, got ${shown(min)}`, 'use 0.5');
  const max = props.serverlessV2MaxCapacity;
  errors.check(max === undefined || isHalfUnit(max, 1), 'serverlessV2MaxCapacity', `must be 1 to ${SERVERLESS_V2_MAX_ACU} in steps of 0.5, got ${shown(max)}`, 'use 2 or more');
  errors.check(min === undefined || max === undefined || min <= max, 'serverlessV2MaxCapacity', `(${max}) is below serverlessV2MinCapacity (${min})`,
    'raise serverlessV2MaxCapacity');
}

function isHalfUnit(value: number, min: number): boolean {
  return value >= min && value <= SERVERLESS_V2_MAX_ACU && Number.isInteger(value * 2);
}

/** Records every problem of a database that exists already. */
export function validateExistingDatabase(connections: ec2.Connections, options: MetaflowExistingDatabaseOptions, errors: PropErrors): void {
  errors.check(connections.securityGroups.length > 0, '', 'names a database without security groups, so the metadata service could not be let in',
    'import it with its securityGroups');
  errors.check(connections.defaultPort !== undefined, '', 'names a database without a port', 'import it with its port');
  checkPostgresNames(options, errors);
}

/** The database and user names, which PostgreSQL limits to 63 letters, digits and underscores. */
function checkPostgresNames(props: { readonly databaseName?: string; readonly username?: string }, errors: PropErrors): void {
  errors.check(props.databaseName === undefined || POSTGRES_NAME.test(props.databaseName), 'databaseName', `'${props.databaseName}' is not a valid PostgreSQL database name`,
    'use up to 63 letters, digits and underscores, starting with a letter');
  errors.check(props.username === undefined || POSTGRES_NAME.test(props.username), 'username', `'${props.username}' is not a valid PostgreSQL user name`,
    'use up to 63 letters, digits and underscores, starting with a letter');
}
