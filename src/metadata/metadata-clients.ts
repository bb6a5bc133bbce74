import { aws_ec2 as ec2 } from 'aws-cdk-lib';

/** Port of the metadata service's internal load balancer, when it has one (a private platform's `METAFLOW_SERVICE_URL`). */
export const METADATA_LISTENER_PORT = 80;

/** Port the metadata service tasks listen on, and the port of `METAFLOW_SERVICE_INTERNAL_URL` (their Cloud Map name). */
export const METADATA_SERVICE_PORT = 8080;

/**
 * Lets `peer` reach `port` of the group `target`. For a peer in another stack (a team platform) aws-cdk-lib writes the
 * ingress rule into the peer's stack, so no reference cycle forms. An egress rule is added only where the peer's group
 * does not already allow all outbound traffic (aws-cdk-lib would ignore it there, with a warning on every synth).
 */
export function admitMetadataClients(peer: ec2.IConnectable, target: ec2.ISecurityGroup, port: number): void {
  const tcp = ec2.Port.tcp(port);
  if (peer.connections.securityGroups.length === 0) {
    // A network range (ec2.Peer.ipv4(...)) has no group of its own: only the target's side gets a rule.
    target.connections.allowFrom(peer, tcp, 'Metaflow clients');
    return;
  }
  for (const group of peer.connections.securityGroups) {
    // remoteRule: a rule whose peer is in another stack goes into the peer's stack, as connections.allowTo does.
    target.addIngressRule(group, tcp, 'Metaflow clients', true);
    if (!group.allowAllOutbound) {
      group.addEgressRule(target, tcp, 'Metaflow clients');
    }
  }
}
