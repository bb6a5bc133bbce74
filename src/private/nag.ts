import { aws_iam as iam, CfnResource, Stack, Token, Validations } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

/*
 * cdk-nag 3 reads acknowledgements from aws-cdk-lib's Validations metadata, so the library records
 * them without depending on cdk-nag. A wildcard finding is acknowledged by its exact id, which
 * names the flattened resource or action (e.g. `AwsSolutions-IAM5[Resource::<Bucket.Arn>/*]`).
 * `Validations.acknowledge()` rejects ids with more than one '::', which every ARN with a pseudo
 * parameter has (`arn:<AWS::Partition>:...`), so the metadata entry is written directly.
 */
function acknowledge(scope: IConstruct, id: string, reason: string): void {
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
}

/** Acknowledges a whole rule on `scope` and its children. */
export function acknowledgeRule(scope: IConstruct, rule: string, reason: string): void {
  acknowledge(scope, `AwsSolutions-${rule}`, reason);
}

/** Acknowledges IAM5 findings for wildcard resource ARNs granted to `grantee` (a no-op for non-constructs). */
export function acknowledgeWildcardResources(grantee: unknown, resourceArns: string[], reason: string): void {
  if (!Construct.isConstruct(grantee)) {
    return;
  }
  const stack = Stack.of(grantee);
  const findingIds = () => resourceArns.map((arn) => `AwsSolutions-IAM5[Resource::${flatten(stack.resolve(arn))}]`);
  const acknowledged = findingIds();
  acknowledged.forEach((id) => acknowledge(grantee, id, reason));
  if (resourceArns.some((arn) => Token.isUnresolved(arn))) {
    // A reference to another stack's resource (a bucket in a data stack) renders as an import only once the app is
    // prepared for synthesis, after which validations run: acknowledge the finding as cdk-nag will then name it.
    grantee.node.addValidation({
      validate: () => {
        const renamed = findingIds().filter((id) => !acknowledged.includes(id));
        renamed.forEach((id) => acknowledge(grantee, id, reason));
        acknowledged.push(...renamed);
        return [];
      },
    });
  }
}

/** Acknowledges IAM5 findings for wildcard actions granted to `grantee` (a no-op for non-constructs). */
export function acknowledgeWildcardActions(grantee: unknown, actions: string[], reason: string): void {
  if (!Construct.isConstruct(grantee)) {
    return;
  }
  for (const action of actions) {
    acknowledge(grantee, `AwsSolutions-IAM5[Action::${action}]`, reason);
  }
}

/** Acknowledges the IAM4 finding for the AWS managed policy `policyName` (e.g. 'service-role/X') attached to `role`. */
export function acknowledgeManagedPolicy(role: IConstruct, policyName: string, reason: string): void {
  const arn = iam.ManagedPolicy.fromAwsManagedPolicyName(policyName).managedPolicyArn;
  acknowledge(role, `AwsSolutions-IAM4[Policy::${flatten(Stack.of(role).resolve(arn))}]`, reason);
}

/** Renders a resolved CloudFormation value the way cdk-nag names it in finding ids. */
function flatten(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  }
  const node = value as Record<string, any>;
  if (node['Fn::Join']) {
    const [delimiter, parts] = node['Fn::Join'];
    return (parts as unknown[]).map(flatten).join(delimiter);
  }
  if (node['Fn::Sub']) {
    return flatten(node['Fn::Sub']);
  }
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (node['Fn::ImportValue']) {
    return flatten(node['Fn::ImportValue']);
  }
  if (node.Ref) {
    return `<${flatten(node.Ref)}>`;
  }
  return JSON.stringify(node);
}

/** A checkov check skipped on one resource, with the reason checkov prints. */
export interface CheckovSkip {
  readonly id: string;
  readonly comment: string;
}

/**
 * Records checkov skips in the template metadata of `scope` (a CloudFormation resource, or a construct whose
 * default child is one), where checkov reads them; nothing when `skips` is empty.
 */
export function skipCheckovChecks(scope: IConstruct, skips: CheckovSkip[]): void {
  if (skips.length === 0) {
    return;
  }
  const resource = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild as CfnResource;
  const earlier: CheckovSkip[] = resource.getMetadata('checkov')?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...earlier, ...skips] });
}

/** Every secret the platform creates uses the AWS managed Secrets Manager key; checkov asks for a customer key. */
export function skipManagedKeySecretCheck(secret: IConstruct): void {
  skipCheckovChecks(secret, [{ id: 'CKV_AWS_149', comment: 'Encrypted with the AWS managed Secrets Manager key; who may read it is decided by IAM (SECURITY.md), and a customer key per platform adds a monthly fee and a key policy.' }]);
}
