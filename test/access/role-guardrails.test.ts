import { App, aws_iam as iam, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ComputeEnvironmentKind, MetaflowPlatform, MetaflowRoleOptions, UiLogin } from '../../src';

/** A platform with every part that creates roles: Fargate (execution role), UI, notebook, user role, retention handlers. */
function everyRole(roles?: MetaflowRoleOptions) {
  const stack = new Stack(new App(), 'Test');
  const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] });
  new MetaflowPlatform(stack, 'Metaflow', {
    batch: {
      computeEnvironments: [{ name: 'cpu' }, { name: 'fargate', kind: ComputeEnvironmentKind.FARGATE }],
      jobLogRetention: 30,
    },
    ui: { internetFacing: false, login: UiLogin.none() },
    notebook: {},
    users: { roleAssumableBy: ['111122223333'] },
    monitoring: { alarmEmails: ['a@example.com'] },
    sharedStorage: {},
    roles: roles && { ...roles, permissionsBoundary: roles.permissionsBoundary && boundary },
  });
  const roleResources = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'));
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

  test('every role is named with the prefix, uniquely, within 64 characters', () => {
    const names = roleResources.map((role) => role.Properties.RoleName as string);
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
