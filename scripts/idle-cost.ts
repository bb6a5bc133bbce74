/**
 * The idle cost of each example, computed from its synthesized templates: every resource that bills while nobody runs a
 * flow, priced at us-east-1 list prices for 730 hours. README's table of configurations is rendered from it, so the
 * figures follow the templates; a resource type that is neither priced here nor known to be free while idle is an error.
 *
 *   ts-node scripts/idle-cost.ts          rewrite the block in README.md
 *   ts-node scripts/idle-cost.ts --check  exit 1 if README.md is out of date
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { rewriteReadmeBlock, withBlock } from './readme-block';
import { EXAMPLE_STACKS } from '../examples/all-stacks';

export const START = '<!-- idle-cost:start -->';
export const END = '<!-- idle-cost:end -->';
const HOURS = 730;

/** us-east-1 list prices (AWS pricing pages, on demand, Linux), per hour unless the name says month. */
export const PRICES = {
  rdsInstanceHour: { 'db.t4g.micro': 0.016, 'db.t4g.small': 0.032, 'db.t4g.medium': 0.065 } as Record<string, number>,
  rdsGp3GibMonth: 0.115,
  auroraServerlessAcuHour: 0.12,
  loadBalancerHour: 0.0225,
  fargateVcpuHour: 0.04048,
  fargateGibHour: 0.004445,
  publicIpv4Hour: 0.005,
  natGatewayHour: 0.045,
  interfaceEndpointAzHour: 0.01,
  secretMonth: 0.40,
  hostedZoneMonth: 0.50,
  cloudMapInstanceMonth: 0.10,
  alarmMonth: 0.10,
  dashboardMonth: 3.00,
  notebookHour: { 'ml.t3.medium': 0.05 } as Record<string, number>,
  notebookVolumeGibMonth: 0.14,
};

/** Types that bill the same whatever their properties: what one is, and its monthly price. */
const FLAT_PRICES: Record<string, [string, number]> = {
  'AWS::EC2::NatGateway': ['NAT gateway', PRICES.natGatewayHour * HOURS],
  'AWS::EC2::EIP': ['public IPv4 address', PRICES.publicIpv4Hour * HOURS],
  'AWS::SecretsManager::Secret': ['secret', PRICES.secretMonth],
  'AWS::ServiceDiscovery::PrivateDnsNamespace': ['Cloud Map namespace (private hosted zone)', PRICES.hostedZoneMonth],
  'AWS::CloudWatch::Alarm': ['alarm', PRICES.alarmMonth],
  'AWS::CloudWatch::Dashboard': ['dashboard', PRICES.dashboardMonth],
};

/** Types that bill nothing while idle: per request, per GiB stored or moved, or free. */
const FREE_WHILE_IDLE = new Set([
  'AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Authorizer', 'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::VpcLink', 'AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Resource', 'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Deployment', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::VpcLink', 'AWS::ApiGateway::ApiKey', 'AWS::ApiGateway::UsagePlan',
  'AWS::ApiGateway::UsagePlanKey', 'AWS::ApiGateway::Account', 'AWS::Batch::ComputeEnvironment', 'AWS::Batch::JobQueue',
  'AWS::CertificateManager::Certificate', 'AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolClient', 'AWS::Cognito::UserPoolDomain',
  'AWS::DynamoDB::Table', 'AWS::EC2::FlowLog', 'AWS::EC2::InternetGateway', 'AWS::EC2::LaunchTemplate', 'AWS::EC2::PlacementGroup', 'AWS::EC2::Route',
  'AWS::EC2::RouteTable', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::Subnet',
  'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::VPC', 'AWS::EC2::VPCGatewayAttachment', 'AWS::ECR::Repository', 'AWS::ECS::Cluster',
  'AWS::ECS::TaskDefinition', 'AWS::EFS::FileSystem', 'AWS::EFS::MountTarget', 'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::Events::Rule', 'AWS::IAM::InstanceProfile',
  'AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::Lambda::Permission', 'AWS::Logs::LogGroup',
  'AWS::RDS::DBClusterParameterGroup', 'AWS::RDS::DBParameterGroup', 'AWS::RDS::DBSubnetGroup', 'AWS::Route53::RecordSet', 'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy', 'AWS::SNS::Subscription', 'AWS::SNS::Topic', 'AWS::SNS::TopicPolicy', 'AWS::SageMaker::NotebookInstanceLifecycleConfig',
  'AWS::SecretsManager::SecretTargetAttachment', 'AWS::ServiceDiscovery::Service', 'AWS::StepFunctions::StateMachine', 'AWS::CDK::Metadata',
  'Custom::MetaflowBatchJobLogRetention', 'Custom::MetaflowReleaseSnapshot', 'Custom::MetaflowSchemaMigration', 'Custom::S3AutoDeleteObjects',
]);

/** One billed item of a template while idle. */
export interface CostItem {
  /** What one unit is. */
  readonly what: string;
  /** How many units. */
  readonly count: number;
  /** What all units cost a month. */
  readonly monthly: number;
  /** Billed only while it runs (a notebook you can stop). */
  readonly whileRunning?: boolean;
}

type Resource = { Type: string; Properties?: any };

/** What the resources of `stack` cost a month while idle. */
export function idleCostOf(stack: Stack): CostItem[] {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const items: CostItem[] = [];
  const add = (what: string, monthly: number, count = 1, whileRunning = false) => items.push({ what, count, monthly, whileRunning });
  for (const [id, resource] of Object.entries(resources)) {
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::RDS::DBInstance':
        if (p.DBClusterIdentifier) {
          break; // an Aurora cluster's instance: priced with its cluster
        }
        add(`RDS ${p.DBInstanceClass}${p.MultiAZ ? ' Multi-AZ' : ''}`, priceOf(PRICES.rdsInstanceHour, p.DBInstanceClass, id) * HOURS * (p.MultiAZ ? 2 : 1));
        add(`RDS gp3 ${p.AllocatedStorage} GiB`, Number(p.AllocatedStorage) * PRICES.rdsGp3GibMonth * (p.MultiAZ ? 2 : 1));
        break;
      case 'AWS::RDS::DBCluster': {
        const instances = Object.values(resources)
          .filter((r) => r.Type === 'AWS::RDS::DBInstance' && JSON.stringify(r.Properties?.DBClusterIdentifier) === JSON.stringify({ Ref: id }));
        const minimum = Number(p.ServerlessV2ScalingConfiguration?.MinCapacity);
        if (!instances.every((r) => r.Properties.DBInstanceClass === 'db.serverless') || Number.isNaN(minimum)) {
          throw new Error(`${id}: only Aurora Serverless v2 clusters are priced`);
        }
        add(`Aurora Serverless v2 instance at ${minimum} ACU`, instances.length * minimum * PRICES.auroraServerlessAcuHour * HOURS, instances.length);
        break;
      }
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const kind = p.Type === 'network' ? 'Network' : 'Application';
        add(`${kind} Load Balancer`, PRICES.loadBalancerHour * HOURS);
        if (p.Scheme === 'internet-facing') {
          const zones = (p.Subnets ?? p.SubnetMappings ?? []).length;
          add('public IPv4 address', zones * PRICES.publicIpv4Hour * HOURS, zones);
        }
        break;
      }
      case 'AWS::ECS::Service': {
        const definition = resources[p.TaskDefinition.Ref].Properties;
        const tasks = Number(p.DesiredCount ?? 1);
        const vcpu = Number(definition.Cpu) / 1024;
        const gib = Number(definition.Memory) / 1024;
        add(`Fargate task ${vcpu} vCPU / ${gib} GiB`, tasks * (vcpu * PRICES.fargateVcpuHour + gib * PRICES.fargateGibHour) * HOURS, tasks);
        if (p.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp === 'ENABLED') {
          add('public IPv4 address', tasks * PRICES.publicIpv4Hour * HOURS, tasks);
        }
        if (p.ServiceRegistries?.length) {
          add('Cloud Map instance', tasks * PRICES.cloudMapInstanceMonth, tasks);
        }
        break;
      }
      case 'AWS::EC2::VPCEndpoint':
        if (p.VpcEndpointType === 'Interface') {
          add('interface endpoint zone', p.SubnetIds.length * PRICES.interfaceEndpointAzHour * HOURS, p.SubnetIds.length);
        }
        break;
      case 'AWS::SageMaker::NotebookInstance':
        add(`notebook ${p.InstanceType}`, priceOf(PRICES.notebookHour, p.InstanceType, id) * HOURS, 1, true);
        add(`notebook volume ${p.VolumeSizeInGB ?? 5} GiB`, Number(p.VolumeSizeInGB ?? 5) * PRICES.notebookVolumeGibMonth, 1, true);
        break;
      default:
        if (FLAT_PRICES[resource.Type]) {
          add(...FLAT_PRICES[resource.Type]);
        } else if (!FREE_WHILE_IDLE.has(resource.Type)) {
          throw new Error(`${id}: no idle price for ${resource.Type}; add it to PRICES or FREE_WHILE_IDLE`);
        }
    }
  }
  return items;
}

function priceOf(table: Record<string, number>, key: string, id: string): number {
  if (table[key] === undefined) {
    throw new Error(`${id}: no price for ${key}`);
  }
  return table[key];
}

/** The configurations README compares, each as the stacks it deploys: every example, the team example's two stacks apart. */
export function configurations(): Array<[string, Stack[]]> {
  return Object.entries(EXAMPLE_STACKS).flatMap(([name, build]): Array<[string, Stack[]]> => {
    const stacks = build(new App());
    return name === 'team'
      ? [['`examples/team`: the shared platform', [stacks[0]]], ['`examples/team`: each team platform', [stacks[1]]]]
      : [[`\`examples/${name}\`${stacks.length > 1 ? ' (both stacks)' : ''}`, stacks]];
  });
}

const dollars = (amount: number) => `$${amount.toFixed(2)}`;

/** Items of the same kind summed, dearest first. */
function grouped(items: CostItem[]): CostItem[] {
  const byWhat = new Map<string, CostItem>();
  for (const item of items) {
    const seen = byWhat.get(item.what);
    byWhat.set(item.what, { ...item, count: (seen?.count ?? 0) + item.count, monthly: (seen?.monthly ?? 0) + item.monthly });
  }
  return [...byWhat.values()].sort((a, b) => b.monthly - a.monthly);
}

const described = (item: CostItem) => `${item.what}${item.count > 1 ? ` × ${item.count}` : ''} ${dollars(item.monthly)}`;

/** The markdown between the markers. */
export function renderIdleCosts(): string {
  const rows = configurations().map(([name, stacks]) => {
    const items = stacks.flatMap(idleCostOf);
    const always = items.filter((item) => !item.whileRunning);
    const running = items.filter((item) => item.whileRunning);
    const total = always.reduce((sum, item) => sum + item.monthly, 0);
    const extra = running.reduce((sum, item) => sum + item.monthly, 0);
    const parts = grouped(always).map(described);
    const runningParts = grouped(running).map(described);
    const cost = extra > 0 ? `${dollars(total)}, plus ${dollars(extra)} while the notebook runs` : dollars(total);
    const detail = [...parts, ...(runningParts.length ? [`while running: ${runningParts.join(', ')}`] : [])].join('; ') || 'nothing billed while idle';
    return `| ${name} | ${cost} | ${detail} |`;
  });
  return ['| Configuration | Idle cost a month | What bills while idle |', '|---|---|---|', ...rows].join('\n');
}

/** README.md with the block replaced by `table`. */
export function withIdleCosts(readme: string, table: string): string {
  return withBlock(readme, START, END, table);
}

if (require.main === module) {
  rewriteReadmeBlock(START, END, renderIdleCosts(), 'docs:costs');
}
