import { MetaflowDatabaseOptions } from './database';
import { isIntegerInRange, PropErrors, shown } from '../private/prop-errors';

const MIN_POSTGRES_MAJOR = 15;
const DAY_MILLISECONDS = 24 * 60 * 60 * 1000;
const TIME = '([01]\\d|2[0-3]):[0-5]\\d';
const DAY = '(mon|tue|wed|thu|fri|sat|sun)';
const MAINTENANCE_WINDOW = new RegExp(`^${DAY}:${TIME}-${DAY}:${TIME}$`, 'i');
const BACKUP_WINDOW = new RegExp(`^${TIME}-${TIME}$`);
const DATABASE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

/** Records every problem of the database props. */
export function validateDatabaseOptions(props: MetaflowDatabaseOptions, errors: PropErrors): void {
  const major = Number(props.engineVersion?.postgresMajorVersion ?? MIN_POSTGRES_MAJOR);
  errors.check(major >= MIN_POSTGRES_MAJOR, 'engineVersion', `PostgreSQL ${props.engineVersion?.postgresFullVersion} is older than ${MIN_POSTGRES_MAJOR}`,
    'use rds.PostgresEngineVersion.VER_17 or VER_16');
  errors.check(isIntegerInRange(props.allocatedStorageGiB, 20, 65536), 'allocatedStorageGiB', `must be a whole number from 20 to 65536, got ${shown(props.allocatedStorageGiB)}`,
    'use 20 (the gp3 minimum) or more');
  const allocated = props.allocatedStorageGiB ?? 20;
  errors.check(props.maxAllocatedStorageGiB === undefined || props.maxAllocatedStorageGiB > allocated, 'maxAllocatedStorageGiB',
    `(${props.maxAllocatedStorageGiB}) must exceed allocatedStorageGiB (${allocated})`, 'raise maxAllocatedStorageGiB');
  // toDays() throws for a duration that is not whole days (Duration.hours(36)): measure in milliseconds instead.
  const backupDays = props.backupRetention && props.backupRetention.toMilliseconds() / DAY_MILLISECONDS;
  errors.check(backupDays === undefined || isIntegerInRange(backupDays, 1, 35), 'backupRetention', `must be 1 to 35 whole days, got ${props.backupRetention?.toHumanString()}`,
    'keep at least one day of automated backups, such as Duration.days(2)');
  errors.check(props.preferredMaintenanceWindow === undefined || MAINTENANCE_WINDOW.test(props.preferredMaintenanceWindow), 'preferredMaintenanceWindow',
    `'${props.preferredMaintenanceWindow}' is not a weekly window`, 'write it as ddd:hh24:mi-ddd:hh24:mi in UTC, such as sun:04:00-sun:04:30');
  errors.check(props.preferredBackupWindow === undefined || BACKUP_WINDOW.test(props.preferredBackupWindow), 'preferredBackupWindow',
    `'${props.preferredBackupWindow}' is not a daily window`, 'write it as hh24:mi-hh24:mi in UTC, such as 03:00-03:30');
  errors.check(props.databaseName === undefined || DATABASE_NAME.test(props.databaseName), 'databaseName', `'${props.databaseName}' is not a valid PostgreSQL database name`,
    'use up to 63 letters, digits and underscores, starting with a letter');
}
