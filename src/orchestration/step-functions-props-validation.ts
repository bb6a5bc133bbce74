import { MetaflowStepFunctionsOptions } from './step-functions';
import { PropErrors } from '../private/prop-errors';

const PREFIX = /^[A-Za-z0-9_-]{1,40}$/;

/** Records every problem of the Step Functions props. */
export function validateStepFunctionsOptions(props: MetaflowStepFunctionsOptions, errors: PropErrors): void {
  errors.check(props.stateMachinePrefix === undefined || PREFIX.test(props.stateMachinePrefix), 'stateMachinePrefix',
    `'${props.stateMachinePrefix}' is not a valid prefix`, 'use 1-40 letters, digits, hyphens and underscores (20 or fewer leave room for long flow names)');
}
