import { App, aws_iam as iam, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ComputeEnvironmentKind, MetaflowPlatform, MetaflowRoleOptions, PublicApi, UiLogin } from '../../src';

/**
 * A platform with every part that creates roles: Fargate (execution role), UI, notebook, user role, retention handlers, and the
 * stack-level provider it causes (S3 auto-delete).
 */
function everyRole(roles?: MetaflowRoleOptions, api = PublicApi.httpApi()) {
  const stack = new Stack(new App(), 'Test');
  const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] });
  new MetaflowPlatform(stack, 'Metaflow', {
    batch: {
      computeEnvironments: [{ name: 'cpu' }, { name: 'fargate', kind: ComputeEnvironmentKind.FARGATE }],
      jobLogRetention: 30,
    },
    datastore: { autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY },
    ui: { internetFacing: false, login: UiLogin.none() },
    notebook: {},
    users: { roleAssumableBy: ['111122223333'] },
    monitoring: { alarmEmails: ['a@example.com'] },
    sharedStorage: {},
    api,
    roles: roles && { ...roles, permissionsBoundary: roles.permissionsBoundary && boundary },
  });
  const roleResources = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as any[];
  return { stack, boundary, roleResources };
}

describe('role guardrails', () => {
  const { stack, boundary, roleResources } = everyRole({ permissionsBoundary: {} as iam.IManagedPolicy, path: '/metaflow/', namePrefix: 'mf-' });

  test('cover many kinds of role', () => {
    expect(roleResources.length).toBeGreaterThanOrEqual(12);
  });

  test('every role has the boundary and the path', () => {
    for (const role of roleResources) {
      expect(role.Properties.PermissionsBoundary).toEqual(stack.resolve(boundary.managedPolicyArn));
      expect(role.Properties.Path).toBe('/metaflow/');
    }
  });

  test('the stack-level S3 auto-delete provider\'s role is among them', () => {
    const template = Template.fromStack(stack).toJSON();
    const providerRoles = Object.keys(template.Resources).filter((id) => /^CustomS3AutoDeleteObjectsCustomResourceProviderRole/.test(id));
    expect(providerRoles).toHaveLength(1);
    for (const id of providerRoles) {
      expect(template.Resources[id].Properties.PermissionsBoundary).toEqual(stack.resolve(boundary.managedPolicyArn));
    }
  });

  test('a retained role (the REST API\'s account-level CloudWatch role) gets no fixed name, which would collide after cdk destroy', () => {
    expect(roleResources.filter((role) => role.DeletionPolicy === 'Retain')).toEqual([]);
    const withRestApi = everyRole({ permissionsBoundary: {} as iam.IManagedPolicy, path: '/metaflow/', namePrefix: 'mf-' }, PublicApi.restApi());
    const retained = withRestApi.roleResources.filter((role) => role.DeletionPolicy === 'Retain');
    expect(retained).toHaveLength(1);
    expect(retained[0].Properties.RoleName).toBeUndefined();
  });

  test('every other role is named with the prefix, uniquely, within 64 characters', () => {
    const names = roleResources.filter((role) => role.DeletionPolicy !== 'Retain').map((role) => role.Properties.RoleName as string);
    for (const name of names) {
      expect(name).toMatch(/^mf-[\w+=,.@-]+$/);
      expect(name.length).toBeLessThanOrEqual(64);
    }
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('without role options', () => {
  const { roleResources } = everyRole();

  test('no role has a fixed name, a path or a boundary', () => {
    for (const role of roleResources) {
      expect(role.Properties.RoleName).toBeUndefined();
      expect(role.Properties.Path).toBeUndefined();
      expect(role.Properties.PermissionsBoundary).toBeUndefined();
    }
  });
});
