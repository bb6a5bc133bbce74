import { Aspects, aws_iam as iam, CfnResource, IAspect, Names, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MetaflowRoleOptions } from './role-options';
import { PropErrors } from '../private/prop-errors';

const ROLE_TYPE = 'AWS::IAM::Role';
const ROLE_NAME_MAX = 64;
/** Room left for the unique part of a role name, so that names stay unique. */
const UNIQUE_PART_MIN = 24;
/**
 * aws-cdk-lib puts the providers of some custom resources at the root of the stack, one per stack, shared by every
 * construct that uses them: `Custom::S3AutoDeleteObjectsCustomResourceProvider` (a bucket's autoDeleteObjects),
 * `Custom::ECRAutoDeleteImagesCustomResourceProvider` (a repository's emptyOnDelete) and the like. A platform that turns
 * such an option on causes their roles to exist, so the guardrails reach them too.
 */
const STACK_LEVEL_PROVIDER = /^Custom::.*Provider$/;

/** Applies the guardrails to every role in `scope`, L1 roles of custom resource providers included, and to the stack-level providers' roles. */
export function applyRoleGuardrails(scope: IConstruct, options: MetaflowRoleOptions): void {
  if (options.permissionsBoundary === undefined && options.path === undefined && options.namePrefix === undefined) {
    return;
  }
  if (options.permissionsBoundary !== undefined) {
    iam.PermissionsBoundary.of(scope).apply(options.permissionsBoundary);
  }
  const guardrails = new RoleGuardrails(options);
  Aspects.of(scope).add(guardrails);
  Aspects.of(Stack.of(scope)).add(new StackLevelProviderRoles(guardrails));
}

/** Sets the path and the prefixed name of every role; the boundary only where `withBoundary` says so (PermissionsBoundary sets the rest). */
class RoleGuardrails implements IAspect {
  constructor(private readonly options: MetaflowRoleOptions) {}

  public visit(node: IConstruct, withBoundary = false): void {
    if (!isRole(node)) {
      return;
    }
    const { path, namePrefix, permissionsBoundary } = this.options;
    if (withBoundary && permissionsBoundary !== undefined) {
      node.addPropertyOverride('PermissionsBoundary', permissionsBoundary.managedPolicyArn);
    }
    if (path !== undefined) {
      node.addPropertyOverride('Path', path);
    }
    // A retained role outlives `cdk destroy`; a fixed name would then collide when the stack is created again.
    if (namePrefix !== undefined && node.cfnOptions.deletionPolicy !== 'Retain') {
      node.addPropertyOverride('RoleName', `${namePrefix}${Names.uniqueResourceName(node, { maxLength: ROLE_NAME_MAX - namePrefix.length })}`);
    }
  }
}

/** Visits the roles of stack-level custom resource providers, which live outside the platform's scope. */
class StackLevelProviderRoles implements IAspect {
  constructor(private readonly guardrails: RoleGuardrails) {}

  public visit(node: IConstruct): void {
    const provider = node.node.scope;
    if (isRole(node) && provider?.node.scope === Stack.of(node) && STACK_LEVEL_PROVIDER.test(provider.node.id)) {
      this.guardrails.visit(node, true);
    }
  }
}

function isRole(node: IConstruct): node is CfnResource {
  return CfnResource.isCfnResource(node) && node.cfnResourceType === ROLE_TYPE;
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
