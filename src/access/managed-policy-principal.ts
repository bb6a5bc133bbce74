import { aws_iam as iam } from 'aws-cdk-lib';

/**
 * A principal whose identity statements go into a managed policy, so that the parts' `grant*`
 * methods can fill a policy that people attach to their own users, groups and roles.
 *
 * @internal
 */
export class ManagedPolicyPrincipal extends iam.PrincipalBase {
  constructor(private readonly policy: iam.ManagedPolicy, public readonly principalAccount: string | undefined) {
    super();
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    throw new Error('The Metaflow user policy is not a principal of its own and cannot appear in a resource policy; grant its users instead.');
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }

  public toString(): string {
    return 'MetaflowUserPolicy';
  }

  public dedupeString(): string | undefined {
    return undefined;
  }
}
