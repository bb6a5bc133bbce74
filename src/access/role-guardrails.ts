import { Aspects, aws_iam as iam, CfnResource, IAspect, Names, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MetaflowRoleOptions } from './role-options';
import { PropErrors } from '../private/prop-errors';

const ROLE_TYPE = 'AWS::IAM::Role';
const ROLE_NAME_MAX = 64;
/** Room left for the unique part of a role name, so that names stay unique. */
const UNIQUE_PART_MIN = 24;

/** Applies the guardrails to every role in `scope`, including L1 roles of custom resource providers. */
export function applyRoleGuardrails(scope: IConstruct, options: MetaflowRoleOptions): void {
  if (options.permissionsBoundary !== undefined) {
    iam.PermissionsBoundary.of(scope).apply(options.permissionsBoundary);
  }
  if (options.path !== undefined || options.namePrefix !== undefined) {
    Aspects.of(scope).add(new RoleNaming(options));
  }
}

/** Sets the path and the prefixed name of every role. */
class RoleNaming implements IAspect {
  constructor(private readonly options: MetaflowRoleOptions) {}

  public visit(node: IConstruct): void {
    if (!(CfnResource.isCfnResource(node) && node.cfnResourceType === ROLE_TYPE)) {
      return;
    }
    const { path, namePrefix } = this.options;
    if (path !== undefined) {
      node.addPropertyOverride('Path', path);
    }
    if (namePrefix !== undefined) {
      node.addPropertyOverride('RoleName', `${namePrefix}${Names.uniqueResourceName(node, { maxLength: ROLE_NAME_MAX - namePrefix.length })}`);
    }
  }
}

/** Records every problem of the role options. */
export function validateRoleOptions(options: MetaflowRoleOptions, errors: PropErrors): void {
  const { path, namePrefix } = options;
  errors.check(path === undefined || Token.isUnresolved(path) || (/^\/([\x21-\x7e]+\/)?$/.test(path) && path.length <= 512), 'path',
    `'${path}' is not an IAM path`, 'start and end it with \'/\', such as \'/metaflow/\', with printable characters and no spaces');
  errors.check(namePrefix === undefined || Token.isUnresolved(namePrefix) || (/^[\w+=,.@-]+$/.test(namePrefix)
    && namePrefix.length <= ROLE_NAME_MAX - UNIQUE_PART_MIN), 'namePrefix',
  `'${namePrefix}' is not a role name prefix of at most ${ROLE_NAME_MAX - UNIQUE_PART_MIN} characters`,
  'use letters, digits and +=,.@_- only, such as \'metaflow-\'');
}
