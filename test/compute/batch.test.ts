import { App, aws_batch as batch, aws_ec2 as ec2, aws_logs as logs, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ComputeEnvironmentKind, MetaflowBatch, MetaflowBatchOptions } from '../../src';
import { LOG_GROUP_RETENTION_HANDLER } from '../../src/private/log-group-retention-handler';

function build(options: MetaflowBatchOptions = {}): { stack: Stack; batch: MetaflowBatch; template: Template } {
  const stack = new Stack(new App(), 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
  const metaflowBatch = new MetaflowBatch(stack, 'Batch', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, ...options });
  return { stack, batch: metaflowBatch, template: Template.fromStack(stack) };
}

function buildError(options: MetaflowBatchOptions): string {
  try {
    build(options);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected MetaflowBatch to reject the props');
}

describe('MetaflowBatch defaults', () => {
  test('one EC2 on-demand environment from 0 to 64 vCPUs on current-generation families, one queue', () => {
    const { template, batch: mfBatch } = build();

    template.resourceCountIs('AWS::Batch::ComputeEnvironment', 1);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      Type: 'managed',
      ComputeResources: Match.objectLike({
        Type: 'EC2',
        MinvCpus: 0,
        MaxvCpus: 64,
        InstanceTypes: ['m6i', 'c6i', 'r6i'],
        AllocationStrategy: 'BEST_FIT_PROGRESSIVE',
        Ec2Configuration: [{ ImageType: 'ECS_AL2023' }],
      }),
      ComputeEnvironmentName: Match.absent(),
    });
    template.resourceCountIs('AWS::Batch::JobQueue', 1);
    expect(mfBatch.jobQueueNames).toEqual(['cpu']);
    expect(mfBatch.defaultJobQueue).toBe(mfBatch.jobQueue('cpu'));
    expect(mfBatch.executionRole).toBeUndefined();
    expect(mfBatch.instanceRole).toBeDefined();
  });

  test('launch template requires IMDSv2 and encrypts a 100 GiB gp3 root volume; the environment follows its latest version', () => {
    const { template, stack, batch: mfBatch } = build();
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 100, VolumeType: 'gp3', DeleteOnTermination: true } }],
      }),
    });
    const launchTemplateId = stack.getLogicalId(mfBatch.computeEnvironments[0].launchTemplate!.node.defaultChild as ec2.CfnLaunchTemplate);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({
        LaunchTemplate: { LaunchTemplateId: { Ref: launchTemplateId }, Version: { 'Fn::GetAtt': [launchTemplateId, 'LatestVersionNumber'] } },
      }),
      ReplaceComputeEnvironment: false,
    });
  });

  test('security group allows no inbound traffic', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Metaflow Batch compute: no inbound traffic',
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('job role is for ECS tasks and holds no logs grant (the log driver writes with the instance or execution role)', () => {
    const { template, stack, batch: mfBatch } = build();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })] },
      Description: 'Role Metaflow tasks on AWS Batch run as',
    });
    const jobRoleRef = JSON.stringify([{ Ref: stack.getLogicalId(mfBatch.jobRole.node.defaultChild as any) }]);
    const jobRolePolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy: any) => JSON.stringify(policy.Properties.Roles) === jobRoleRef);
    expect(jobRolePolicies).toEqual([]);
  });

  test('instance metadata hop limit is an option per EC2 environment', () => {
    const { template } = build({ computeEnvironments: [{ name: 'cpu', instanceMetadataHopLimit: 1 }] });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } }),
    });
  });
});

describe('MetaflowBatch used alone: subnet placement', () => {
  function subnetsOfEnvironment(template: Template): unknown[] {
    const environment = Object.values(template.findResources('AWS::Batch::ComputeEnvironment'))[0] as any;
    return environment.Properties.ComputeResources.Subnets;
  }

  test('in a VPC without NAT it runs in the public subnets, never the isolated ones', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    const mfBatch = new MetaflowBatch(stack, 'Batch', { vpc });
    const template = Template.fromStack(stack);
    const publicIds = vpc.publicSubnets.map((subnet) => stack.resolve(subnet.subnetId));
    expect(subnetsOfEnvironment(template)).toEqual(publicIds);
    expect(mfBatch.vpcSubnets).toEqual({ subnetType: ec2.SubnetType.PUBLIC });
  });

  test('in a VPC with NAT it runs in the private subnets', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1 });
    new MetaflowBatch(stack, 'Batch', { vpc });
    expect(subnetsOfEnvironment(Template.fromStack(stack))).toEqual(vpc.privateSubnets.map((subnet) => stack.resolve(subnet.subnetId)));
  });

  test('in a VPC with only isolated subnets it names vpcSubnets as the fix', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new MetaflowBatch(stack, 'Batch', { vpc })).toThrow(/vpc: has neither private subnets with egress nor public subnets[\s\S]*Fix: pass `vpcSubnets`/);
  });

  test('public subnets of an adopted VPC draw a warning about public IPs; a VPC made in the app does not', () => {
    const stack = new Stack(new App(), 'Test');
    const adopted = ec2.Vpc.fromVpcAttributes(stack, 'Adopted', {
      vpcId: 'vpc-1', availabilityZones: ['us-east-1a', 'us-east-1b'], publicSubnetIds: ['subnet-1', 'subnet-2'],
    });
    new MetaflowBatch(stack, 'Batch', { vpc: adopted });
    Annotations.fromStack(stack).hasWarning('/Test/Batch', Match.stringLikeRegexp('MapPublicIpOnLaunch'));
    const { stack: own } = build();
    expect(Annotations.fromStack(own).findWarning('*', Match.stringLikeRegexp('MapPublicIpOnLaunch'))).toEqual([]);
  });
});

describe('MetaflowBatch at scale', () => {
  const fleet: MetaflowBatchOptions = {
    computeEnvironments: [
      { name: 'cpu', maxVcpus: 256 },
      { name: 'spot', kind: ComputeEnvironmentKind.EC2_SPOT, allocationStrategy: batch.AllocationStrategy.SPOT_CAPACITY_OPTIMIZED, jobQueueName: 'metaflow-spot' },
      { name: 'gpu', gpu: true, maxVcpus: 96, rootVolumeSize: Size.gibibytes(200), jobQueuePriority: 10 },
      { name: 'fargate', kind: ComputeEnvironmentKind.FARGATE },
      { name: 'fargate-spot', kind: ComputeEnvironmentKind.FARGATE_SPOT, createJobQueue: false },
    ],
    jobQueues: [{ name: 'spot-then-cpu', computeEnvironments: ['spot', 'cpu'], priority: 5 }],
    defaultJobQueue: 'spot-then-cpu',
  };

  test('creates every kind with its own queue plus the combined queue', () => {
    const { template, batch: mfBatch } = build(fleet);
    template.resourceCountIs('AWS::Batch::ComputeEnvironment', 5);
    template.resourceCountIs('AWS::Batch::JobQueue', 5);
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 3);
    expect(mfBatch.jobQueueNames).toEqual(['cpu', 'spot', 'gpu', 'fargate', 'spot-then-cpu']);
    expect(mfBatch.defaultJobQueue).toBe(mfBatch.jobQueue('spot-then-cpu'));
    expect(mfBatch.computeEnvironments.map((environment) => environment.kind)).toEqual([
      ComputeEnvironmentKind.EC2_ON_DEMAND, ComputeEnvironmentKind.EC2_SPOT, ComputeEnvironmentKind.EC2_ON_DEMAND,
      ComputeEnvironmentKind.FARGATE, ComputeEnvironmentKind.FARGATE_SPOT,
    ]);
  });

  test('Spot uses the chosen capacity-optimised strategy', () => {
    build(fleet).template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({ Type: 'SPOT', AllocationStrategy: 'SPOT_CAPACITY_OPTIMIZED', MinvCpus: 0 }),
    });
  });

  test('Spot defaults to price-capacity-optimised', () => {
    build({ computeEnvironments: [{ name: 'spot', kind: ComputeEnvironmentKind.EC2_SPOT }] }).template
      .hasResourceProperties('AWS::Batch::ComputeEnvironment', {
        ComputeResources: Match.objectLike({ Type: 'SPOT', AllocationStrategy: 'SPOT_PRICE_CAPACITY_OPTIMIZED' }),
      });
  });

  test('GPU uses the NVIDIA ECS AMI, GPU families and a larger root volume', () => {
    const { template } = build(fleet);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({ Ec2Configuration: [{ ImageType: 'ECS_AL2023_NVIDIA' }], InstanceTypes: ['g4dn', 'g5'], MaxvCpus: 96 }),
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ VolumeSize: 200, Encrypted: true }) })],
      }),
    });
    template.hasResourceProperties('AWS::Batch::JobQueue', { Priority: 10 });
  });

  test('Fargate kinds and the execution role', () => {
    const { template, stack, batch: mfBatch } = build(fleet);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', { ComputeResources: Match.objectLike({ Type: 'FARGATE' }) });
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', { ComputeResources: Match.objectLike({ Type: 'FARGATE_SPOT' }) });
    expect(mfBatch.executionRole).toBeDefined();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', Match.arrayWith([':iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'])] }],
    });
    expect(stack.resolve(mfBatch.executionRole!.roleArn)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(mfBatch.executionRole!.node.defaultChild as any), 'Arn'] });
  });

  test('combined queue orders its environments; named queues keep their names', () => {
    const { template, stack, batch: mfBatch } = build(fleet);
    const environment = (name: string) => mfBatch.computeEnvironments.find((candidate) => candidate.node.id === name)!;
    const arnOf = (name: string) => stack.resolve(environment(name).computeEnvironment.computeEnvironmentArn);
    template.hasResourceProperties('AWS::Batch::JobQueue', {
      Priority: 5,
      ComputeEnvironmentOrder: [{ ComputeEnvironment: arnOf('spot'), Order: 1 }, { ComputeEnvironment: arnOf('cpu'), Order: 2 }],
    });
    template.hasResourceProperties('AWS::Batch::JobQueue', { JobQueueName: 'metaflow-spot' });
  });

  test('only Fargate: no instance role, but an execution role', () => {
    const { batch: mfBatch, template } = build({ computeEnvironments: [{ name: 'fargate', kind: ComputeEnvironmentKind.FARGATE }] });
    expect(mfBatch.instanceRole).toBeUndefined();
    expect(mfBatch.executionRole).toBeDefined();
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 0);
  });

  test('EC2 options: instance types, desired vCPUs, bid percentage, custom AMI, extra security groups', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    const extra = new ec2.SecurityGroup(stack, 'Extra', { vpc });
    const mfBatch = new MetaflowBatch(stack, 'Batch', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      computeEnvironments: [{
        name: 'custom',
        kind: ComputeEnvironmentKind.EC2_SPOT,
        instanceTypes: [new ec2.InstanceType('m7i.4xlarge')],
        minVcpus: 2,
        desiredVcpus: 4,
        spotBidPercentage: 60,
        machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
        securityGroups: [extra],
      }],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({
        InstanceTypes: ['m7i.4xlarge'],
        MinvCpus: 2,
        DesiredvCpus: 4,
        BidPercentage: 60,
        Ec2Configuration: [Match.objectLike({ ImageIdOverride: Match.anyValue() })],
        SecurityGroupIds: [
          { 'Fn::GetAtt': [stack.getLogicalId(mfBatch.securityGroup.node.defaultChild as any), 'GroupId'] },
          { 'Fn::GetAtt': [stack.getLogicalId(extra.node.defaultChild as any), 'GroupId'] },
        ],
      }),
    });
  });

  test('BEST_FIT environments are replaced rather than updated in place', () => {
    build({ computeEnvironments: [{ name: 'cpu', allocationStrategy: batch.AllocationStrategy.BEST_FIT }] }).template
      .hasResourceProperties('AWS::Batch::ComputeEnvironment', { ReplaceComputeEnvironment: true });
  });

  test('changing an environment\'s kind gives it a new logical id, so CloudFormation replaces it instead of failing an update', () => {
    const logicalIdOf = (kind: ComputeEnvironmentKind) => {
      const { template } = build({ computeEnvironments: [{ name: 'cpu', kind }] });
      return Object.keys(template.findResources('AWS::Batch::ComputeEnvironment'))[0];
    };
    const ids = Object.values(ComputeEnvironmentKind).map(logicalIdOf);
    expect(new Set(ids).size).toBe(4);
    expect(logicalIdOf(ComputeEnvironmentKind.EC2_ON_DEMAND)).toBe(ids[0]);
  });

  test('instance type and size changes keep the logical id (updated in place)', () => {
    const logicalIdOf = (options: MetaflowBatchOptions) => Object.keys(build(options).template.findResources('AWS::Batch::ComputeEnvironment'))[0];
    const resized = { name: 'cpu', instanceClasses: [ec2.InstanceClass.M7I], maxVcpus: 512, rootVolumeSize: Size.gibibytes(300) };
    expect(logicalIdOf({ computeEnvironments: [{ name: 'cpu' }] })).toBe(logicalIdOf({ computeEnvironments: [resized] }));
  });

  test('Fargate environments are replaced when a change needs it', () => {
    build({ computeEnvironments: [{ name: 'f', kind: ComputeEnvironmentKind.FARGATE }] }).template
      .hasResourceProperties('AWS::Batch::ComputeEnvironment', { ReplaceComputeEnvironment: true });
  });

  test('leaves the shared /aws/batch/job log group alone by default', () => {
    const { template, batch: mfBatch } = build();
    template.resourceCountIs('Custom::LogRetention', 0);
    expect(mfBatch.jobLogRetention).toBeUndefined();
  });

  test('jobLogRetention sets the retention of /aws/batch/job through a role that may touch only that group', () => {
    const { template, stack, batch: mfBatch } = build({ jobLogRetention: logs.RetentionDays.THREE_MONTHS });
    template.hasResourceProperties('Custom::MetaflowBatchJobLogRetention', { LogGroupName: '/aws/batch/job', RetentionInDays: 90 });
    template.resourceCountIs('Custom::LogRetention', 0);
    const handlerRole = (mfBatch.node.findAll().find((construct) => construct.node.path.endsWith('JobLogRetentionProvider/HandlerRole')) as any);
    const statements = (Object.values(template.findResources('AWS::IAM::Policy')) as any[])
      .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: stack.getLogicalId(handlerRole.node.defaultChild) }]))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const retention = statements.find((statement) => JSON.stringify(statement.Action) === JSON.stringify(['logs:CreateLogGroup', 'logs:PutRetentionPolicy']));
    expect(JSON.stringify(retention.Resource)).toMatch(/:log-group:\/aws\/batch\/job"\]\]\},\{"Fn::Join":\["",\[.*:log-group:\/aws\/batch\/job:\*"\]\]\}\]$/);
    // The only other statement writes the handler's own log group.
    const others = statements.filter((statement) => statement !== retention);
    expect(others.map((statement) => statement.Action)).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents']]);
  });

  test('the retention handler creates the group when missing, sets the retention, and leaves it on delete', async () => {
    const calls: Array<{ command: string; input: any }> = [];
    class Command {
      constructor(public readonly input: any) {}
    }
    class CreateLogGroupCommand extends Command {}
    class PutRetentionPolicyCommand extends Command {}
    let groupExists = false;
    class CloudWatchLogsClient {
      async send(command: Command) {
        calls.push({ command: command.constructor.name, input: command.input });
        if (command instanceof CreateLogGroupCommand && groupExists) {
          throw Object.assign(new Error('exists'), { name: 'ResourceAlreadyExistsException' });
        }
        return {};
      }
    }
    const module = { exports: {} as any };
    const fakeRequire = (name: string) => {
      expect(name).toBe('@aws-sdk/client-cloudwatch-logs');
      return { CloudWatchLogsClient, CreateLogGroupCommand, PutRetentionPolicyCommand };
    };
    new Function('require', 'exports', 'module', LOG_GROUP_RETENTION_HANDLER)(fakeRequire, module.exports, module);
    const handler = module.exports.handler as (event: any) => Promise<any>;
    const properties = { LogGroupName: '/aws/batch/job', RetentionInDays: '90' };

    await expect(handler({ RequestType: 'Create', ResourceProperties: properties })).resolves.toEqual({ PhysicalResourceId: '/aws/batch/job' });
    groupExists = true;
    await handler({ RequestType: 'Update', ResourceProperties: properties });
    await handler({ RequestType: 'Delete', ResourceProperties: properties });
    expect(calls).toEqual([
      { command: 'CreateLogGroupCommand', input: { logGroupName: '/aws/batch/job' } },
      { command: 'PutRetentionPolicyCommand', input: { logGroupName: '/aws/batch/job', retentionInDays: 90 } },
      { command: 'CreateLogGroupCommand', input: { logGroupName: '/aws/batch/job' } },
      { command: 'PutRetentionPolicyCommand', input: { logGroupName: '/aws/batch/job', retentionInDays: 90 } },
    ]);
  });

  test('jobQueue() names the known queues for an unknown name', () => {
    expect(() => build().batch.jobQueue('gpu')).toThrow("MetaflowBatch has no job queue named 'gpu'; queues: cpu");
  });
});

describe('MetaflowBatch prop validation', () => {
  test.each<[string, MetaflowBatchOptions, RegExp]>([
    ['no environments', { computeEnvironments: [] }, /computeEnvironments: is empty/],
    ['GPU on Fargate', { computeEnvironments: [{ name: 'f', kind: ComputeEnvironmentKind.FARGATE, gpu: true }] },
      /computeEnvironments\[0\]\.gpu: does not apply to a FARGATE environment\. Fix: Fargate has no accelerators/],
    ['EC2 options on Fargate', { computeEnvironments: [{ name: 'f', kind: ComputeEnvironmentKind.FARGATE_SPOT, minVcpus: 1, rootVolumeSize: Size.gibibytes(50) }] },
      /minVcpus: does not apply to a FARGATE_SPOT environment[\s\S]*rootVolumeSize: does not apply/],
    ['min > max', { computeEnvironments: [{ name: 'cpu', minVcpus: 128, maxVcpus: 64 }] }, /computeEnvironments\[0\]\.minVcpus: \(128\) is greater than maxVcpus \(64\)/],
    ['negative min', { computeEnvironments: [{ name: 'cpu', minVcpus: -1 }] }, /minVcpus: must be a whole number >= 0, got -1/],
    ['desired outside range', { computeEnvironments: [{ name: 'cpu', desiredVcpus: 100 }] }, /desiredVcpus: \(100\) is outside minVcpus\.\.maxVcpus \(0\.\.64\)/],
    ['Spot with no instance types', { computeEnvironments: [{ name: 'spot', kind: ComputeEnvironmentKind.EC2_SPOT, instanceClasses: [], instanceTypes: [] }] },
      /instanceClasses: is empty and no instanceTypes are given/],
    ['Spot with BEST_FIT', { computeEnvironments: [{ name: 'spot', kind: ComputeEnvironmentKind.EC2_SPOT, allocationStrategy: batch.AllocationStrategy.BEST_FIT }] },
      /allocationStrategy: BEST_FIT needs a Spot fleet role/],
    ['Spot strategy on demand', { computeEnvironments: [{ name: 'cpu', allocationStrategy: batch.AllocationStrategy.SPOT_CAPACITY_OPTIMIZED }] },
      /allocationStrategy: SPOT_CAPACITY_OPTIMIZED is for Spot environments/],
    ['bid percentage on demand', { computeEnvironments: [{ name: 'cpu', spotBidPercentage: 50 }] }, /spotBidPercentage: applies to EC2_SPOT environments only/],
    ['tiny root volume', { computeEnvironments: [{ name: 'cpu', rootVolumeSize: Size.gibibytes(8) }] }, /rootVolumeSize: is below 30 GiB/],
    ['duplicate environment names', { computeEnvironments: [{ name: 'cpu' }, { name: 'cpu' }] }, /name 'cpu' is used more than once/],
    ['queue named like an environment', { computeEnvironments: [{ name: 'cpu' }], jobQueues: [{ name: 'cpu', computeEnvironments: ['cpu'] }] },
      /name 'cpu' is used more than once/],
    ['duplicate physical queue names', { computeEnvironments: [{ name: 'a', jobQueueName: 'q' }, { name: 'b', jobQueueName: 'q' }] },
      /jobQueueName: 'q' is used by more than one queue/],
    ['invalid name', { computeEnvironments: [{ name: 'my cpu' }] }, /computeEnvironments\[0\]\.name: 'my cpu' is not a valid name/],
    ['unknown environment in a queue', { computeEnvironments: [{ name: 'cpu' }], jobQueues: [{ name: 'q', computeEnvironments: ['gpu'] }] },
      /jobQueues\[0\]\.computeEnvironments: names unknown environments: gpu/],
    ['EC2 and Fargate in one queue', {
      computeEnvironments: [{ name: 'cpu' }, { name: 'f', kind: ComputeEnvironmentKind.FARGATE }],
      jobQueues: [{ name: 'q', computeEnvironments: ['cpu', 'f'] }],
    }, /mixes EC2 and Fargate environments/],
    ['too many environments in a queue', {
      computeEnvironments: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }],
      jobQueues: [{ name: 'q', computeEnvironments: ['a', 'b', 'c', 'd'] }],
    }, /jobQueues\[0\]\.computeEnvironments: lists 4 environments/],
    ['unknown default queue', { defaultJobQueue: 'gpu' }, /defaultJobQueue: 'gpu' is not a job queue of the platform \(queues: cpu\)/],
    ['no queue at all', { computeEnvironments: [{ name: 'cpu', createJobQueue: false }] }, /creates no job queue/],
  ])('rejects %s', (_name, options, message) => {
    expect(buildError(options)).toMatch(message);
  });

  test('reports every problem at once', () => {
    const message = buildError({ computeEnvironments: [{ name: 'cpu', minVcpus: 10, maxVcpus: 5 }, { name: 'f', kind: ComputeEnvironmentKind.FARGATE, gpu: true }], defaultJobQueue: 'x' });
    expect(message).toMatch(/^Invalid MetaflowBatch props \(3 problem\(s\)\)/);
  });
});
