import { Token } from 'aws-cdk-lib';
import { MetaflowStepSecretsOptions } from './step-secrets';
import { PropErrors } from '../private/prop-errors';

/**
 * Characters Secrets Manager allows in a secret name, less '.': Metaflow splits an `@secrets` source on its
 * first '.' to find the backend (`plugins/secrets/secrets_spec.py`, `SecretSpec.secret_spec_from_str`), so a
 * name with a dot would be read as `<backend>.<id>`.
 */
const SECRET_NAME_PREFIX = /^[A-Za-z0-9/_+=@-]+\/$/;

/** Records every problem of the step secrets options. */
export function validateStepSecretsOptions(props: MetaflowStepSecretsOptions, errors: PropErrors): void {
  const prefix = props.namePrefix;
  errors.check(prefix === undefined || Token.isUnresolved(prefix) || (SECRET_NAME_PREFIX.test(prefix) && prefix.length <= 400), 'namePrefix',
    `'${prefix}' is not a secret name prefix ending in '/' (letters, digits and /_+=@- only; no '.', which Metaflow's @secrets reads as the end of a backend name)`,
    'use a folder-like prefix such as \'metaflow/team-a/\'; without the trailing \'/\' the grant would also cover secrets whose names merely start the same');
}
