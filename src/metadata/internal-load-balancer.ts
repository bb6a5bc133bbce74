import { aws_ec2 as ec2, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2, Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { METADATA_LISTENER_PORT, METADATA_SERVICE_PORT } from './metadata-clients';
import { acknowledgeRule, skipCheckovChecks } from '../private/nag';

/** What the metadata service's internal load balancer is made of. */
export interface InternalLoadBalancer {
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly securityGroup: ec2.SecurityGroup;
  readonly listener: elbv2.NetworkListener;
  readonly targetGroup: elbv2.NetworkTargetGroup;
}

/** Where the internal load balancer goes and what it serves. */
export interface InternalLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly service: ecs.FargateService;
  readonly serviceSecurityGroup: ec2.ISecurityGroup;
}

/**
 * An internal Network Load Balancer in front of the metadata service (port 80), for clients outside the VPC that
 * cannot resolve its Cloud Map name (a private platform's users over a VPN, Direct Connect or a peered VPC) and for
 * the REST API's VPC link. Created in the service's scope under the ids it had when every platform had one, so
 * a private platform's load balancer and its DNS name stay as they were.
 */
export function addInternalLoadBalancer(scope: Construct, props: InternalLoadBalancerProps): InternalLoadBalancer {
  const securityGroup = new ec2.SecurityGroup(scope, 'LoadBalancerSecurityGroup', {
    vpc: props.vpc,
    description: 'Metaflow metadata load balancer: HTTP from Metaflow tasks',
    allowAllOutbound: false,
  });
  props.serviceSecurityGroup.connections.allowFrom(securityGroup, ec2.Port.tcp(METADATA_SERVICE_PORT), 'Metadata load balancer');
  const loadBalancer = new elbv2.NetworkLoadBalancer(scope, 'LoadBalancer', {
    vpc: props.vpc,
    vpcSubnets: props.subnets,
    internetFacing: false,
    // One task serves every zone; without cross-zone routing, callers in the other zone would find no target.
    crossZoneEnabled: true,
    securityGroups: [securityGroup],
    // API Gateway reaches the load balancer through a VPC link (PrivateLink), whose traffic carries no VPC source.
    enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
  });
  securityGroup.connections.allowTo(props.serviceSecurityGroup, ec2.Port.tcp(METADATA_SERVICE_PORT), 'Metadata service tasks');
  acknowledgeRule(loadBalancer, 'ELB2', 'Network Load Balancers write access logs only for TLS listeners; this one forwards plain TCP inside the VPC.');
  skipCheckovChecks(loadBalancer, [{ id: 'CKV_AWS_91', comment: 'A Network Load Balancer with a TCP listener writes no access logs (NLBs log TLS listeners only); API Gateway access logs record every public request.' }]);
  const listener = loadBalancer.addListener('Http', { port: METADATA_LISTENER_PORT, protocol: elbv2.Protocol.TCP });
  const targetGroup = listener.addTargets('Service', {
    port: METADATA_SERVICE_PORT,
    protocol: elbv2.Protocol.TCP,
    targets: [props.service.loadBalancerTarget({ containerName: 'metadata', containerPort: METADATA_SERVICE_PORT })],
    deregistrationDelay: Duration.seconds(15),
    // Tasks must see the load balancer as the source: their security group admits only its security group.
    preserveClientIp: false,
    healthCheck: { protocol: elbv2.Protocol.HTTP, path: '/ping', port: String(METADATA_SERVICE_PORT), interval: Duration.seconds(15) },
  });
  return { loadBalancer, securityGroup, listener, targetGroup };
}
