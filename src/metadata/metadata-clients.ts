import { aws_ec2 as ec2 } from 'aws-cdk-lib';

/** Port of the metadata service's internal load balancer (`METAFLOW_SERVICE_INTERNAL_URL`). */
export const METADATA_LISTENER_PORT = 80;

/**
 * Lets `peer` reach the metadata load balancer. For a peer in another stack (a team platform) aws-cdk-lib writes the
 * ingress rule into the peer's stack, so no reference cycle forms. An egress rule is added only where the peer's group
 * does not already allow all outbound traffic (aws-cdk-lib would ignore it there, with a warning on every synth).
 */
export function admitMetadataClients(peer: ec2.IConnectable, loadBalancerSecurityGroup: ec2.ISecurityGroup): void {
  const port = ec2.Port.tcp(METADATA_LISTENER_PORT);
  if (peer.connections.securityGroups.length === 0) {
    // A network range (ec2.Peer.ipv4(...)) has no group of its own: only the load balancer's side gets a rule.
    loadBalancerSecurityGroup.connections.allowFrom(peer, port, 'Metaflow clients');
    return;
  }
  for (const group of peer.connections.securityGroups) {
    // remoteRule: a rule whose peer is in another stack goes into the peer's stack, as connections.allowTo does.
    loadBalancerSecurityGroup.addIngressRule(group, port, 'Metaflow clients', true);
    if (!group.allowAllOutbound) {
      group.addEgressRule(loadBalancerSecurityGroup, port, 'Metaflow clients');
    }
  }
}
