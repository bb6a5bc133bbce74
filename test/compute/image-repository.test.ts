import { App, aws_ecr as ecr, aws_kms as kms, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ComputeEnvironmentKind, MetaflowBatchOptions, MetaflowPlatform } from '../../src';

function build(batch: MetaflowBatchOptions) {
  const stack = new Stack(new App(), 'Test');
  const platform = new MetaflowPlatform(stack, 'Metaflow', { batch });
  return { stack, platform, template: Template.fromStack(stack) };
}

const statementsOf = (template: Template, stack: Stack, role: any) => Object.values(template.findResources('AWS::IAM::Policy'))
  .filter((policy: any) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: stack.getLogicalId(role.node.defaultChild) }]))
  .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);

describe('Batch image repository', () => {
  const { template, stack, platform } = build({
    computeEnvironments: [{ name: 'cpu' }, { name: 'fargate', kind: ComputeEnvironmentKind.FARGATE }],
    imageRepository: {},
  });
  const repository = platform.batch.imageRepository!;
  const repositoryId = stack.getLogicalId(repository.node.defaultChild as any);

  test('is scanned on push, keeps the latest 30 images and is retained', () => {
    template.hasResource('AWS::ECR::Repository', {
      DeletionPolicy: 'Retain',
      Properties: {
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'MUTABLE',
        LifecyclePolicy: { LifecyclePolicyText: JSON.stringify({ rules: [{ rulePriority: 1, description: 'Keep the latest images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 }, action: { type: 'expire' } }] }) },
      },
    });
  });

  test('its <uri>:latest is the default image, with its registry in it, and no registry is put in front of other images', () => {
    const image = JSON.stringify(stack.resolve(platform.config.valueOf('METAFLOW_BATCH_CONTAINER_IMAGE')));
    expect(image).toContain(`{"Ref":"${repositoryId}"},":latest"`);
    expect(image).toContain('.dkr.ecr.');
    expect(platform.config.valueOf('METAFLOW_BATCH_CONTAINER_REGISTRY')).toBeUndefined();
  });

  test('EC2 instances and Fargate jobs may pull; Metaflow users may pull and push', () => {
    for (const role of [platform.batch.instanceRole, platform.batch.executionRole]) {
      const actions = statementsOf(template, stack, role).flatMap((statement: any) => [statement.Action].flat());
      expect(actions).toEqual(expect.arrayContaining(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:GetAuthorizationToken']));
      expect(actions).not.toContain('ecr:PutImage');
    }
    const userPolicy = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0] as any;
    const userActions = userPolicy.Properties.PolicyDocument.Statement.flatMap((statement: any) => [statement.Action].flat());
    expect(userActions).toEqual(expect.arrayContaining(['ecr:PutImage', 'ecr:BatchGetImage']));
  });

  test('the defaults checkov would flag carry their reason in the template', () => {
    const resource = template.findResources('AWS::ECR::Repository')[repositoryId] as any;
    expect(resource.Metadata.checkov.skip.map((skip: any) => skip.id)).toEqual(['CKV_AWS_136', 'CKV_AWS_51']);
  });

  test('its URI is a stack output', () => {
    const outputs = Object.values(template.findOutputs('*')) as Array<{ Description: string; Value: unknown }>;
    expect(outputs.filter((output) => output.Description.startsWith('ECR repository for step images'))).toHaveLength(1);
  });
});

describe('Batch container image options', () => {
  test('without a repository no image keys are set: Metaflow keeps its own default image', () => {
    const { platform } = build({});
    expect(platform.config.valueOf('METAFLOW_BATCH_CONTAINER_IMAGE')).toBeUndefined();
    expect(platform.config.valueOf('METAFLOW_BATCH_CONTAINER_REGISTRY')).toBeUndefined();
  });

  test('an image and a registry of your own reach the client configuration', () => {
    const { platform } = build({ containerImage: 'ml/base:2.1', containerRegistry: '111122223333.dkr.ecr.us-east-1.amazonaws.com' });
    expect(platform.config.valueOf('METAFLOW_BATCH_CONTAINER_IMAGE')).toBe('ml/base:2.1');
    expect(platform.config.valueOf('METAFLOW_BATCH_CONTAINER_REGISTRY')).toBe('111122223333.dkr.ecr.us-east-1.amazonaws.com');
  });

  test('a repository not used as the default leaves the default image alone; an explicit image wins over the repository', () => {
    expect(build({ imageRepository: { useAsDefaultImage: false } }).platform.config.valueOf('METAFLOW_BATCH_CONTAINER_IMAGE')).toBeUndefined();
    expect(build({ imageRepository: {}, containerImage: 'python:3.12' }).platform.config.valueOf('METAFLOW_BATCH_CONTAINER_IMAGE')).toBe('python:3.12');
  });

  test('a KMS key encrypts the images', () => {
    const stack = new Stack(new App(), 'Test');
    const key = new kms.Key(stack, 'Key');
    new MetaflowPlatform(stack, 'Metaflow', { batch: { imageRepository: { encryptionKey: key } } });
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::Repository', {
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as any), 'Arn'] } },
    });
  });

  test('immutable tags with a version tag, a name, a count and a removal policy', () => {
    const { template, stack, platform } = build({
      imageRepository: { repositoryName: 'ml-team/metaflow', imageTagMutability: ecr.TagMutability.IMMUTABLE, defaultImageTag: '1.0', maxImageCount: 5 },
    });
    template.hasResourceProperties('AWS::ECR::Repository', { RepositoryName: 'ml-team/metaflow', ImageTagMutability: 'IMMUTABLE' });
    expect((Object.values(template.findResources('AWS::ECR::Repository'))[0] as any).Metadata.checkov.skip.map((skip: any) => skip.id)).toEqual(['CKV_AWS_136']);
    expect(JSON.stringify(template.findResources('AWS::ECR::Repository'))).toContain('\\"countNumber\\":5');
    expect(JSON.stringify(stack.resolve(platform.config.valueOf('METAFLOW_BATCH_CONTAINER_IMAGE')))).toContain(':1.0"');
  });
});
