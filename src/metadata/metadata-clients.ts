import { aws_ec2 as ec2 } from 'aws-cdk-lib';

/** Port of the metadata service's internal load balancer (`METAFLOW_SERVICE_INTERNAL_URL`). */
export const METADATA_LISTENER_PORT = 80;

/**
 * Lets `peer` reach the metadata load balancer. The rule is added from the peer's side, so that a
 * peer in another stack (a team platform) carries it and no reference cycle forms.
 */
export function admitMetadataClients(peer: ec2.IConnectable, loadBalancerSecurityGroup: ec2.ISecurityGroup): void {
  peer.connections.allowTo(loadBalancerSecurityGroup, ec2.Port.tcp(METADATA_LISTENER_PORT), 'Metaflow clients');
}
