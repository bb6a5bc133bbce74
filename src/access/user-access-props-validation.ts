import { Token } from 'aws-cdk-lib';
import { MetaflowUserAccessOptions } from './user-access';
import { PropErrors, shown } from '../private/prop-errors';

/** Records every problem of the user access props. */
export function validateUserAccessOptions(props: MetaflowUserAccessOptions, errors: PropErrors): void {
  for (const principal of props.roleAssumableBy ?? []) {
    errors.check(Token.isUnresolved(principal) || /^\d{12}$/.test(principal) || /^arn:aws[a-z-]*:(iam|sts)::\d{12}:\S+$/.test(principal), 'roleAssumableBy',
      `'${principal}' is neither an account id nor an IAM ARN`, 'give 12-digit account ids or ARNs such as arn:aws:iam::111122223333:role/MetaflowUsers');
  }
  errors.check(props.roleAssumableBy === undefined || props.roleAssumableBy.length > 0, 'roleAssumableBy', 'is empty, so nobody could assume the role',
    'list at least one principal, or leave roleAssumableBy unset for no role');
  const hours = props.roleMaxSessionDuration?.toHours({ integral: false });
  errors.check(hours === undefined || (hours >= 1 && hours <= 12), 'roleMaxSessionDuration', `must be 1 to 12 hours, got ${shown(hours)}`,
    'use Duration.hours(12) or less');
  errors.check(props.roleMaxSessionDuration === undefined || props.roleAssumableBy !== undefined, 'roleMaxSessionDuration',
    'is set but no role is created', 'set roleAssumableBy too');
}
