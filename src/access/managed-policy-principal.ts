import { aws_iam as iam } from 'aws-cdk-lib';

/**
 * A principal whose identity statements go into a managed policy, so that the parts' `grant*`
 * methods can fill a policy that people attach to their own users, groups and roles.
 *
 * @internal
 */
export class ManagedPolicyPrincipal extends iam.PrincipalBase {
  constructor(private readonly policy: iam.ManagedPolicy, public readonly principalAccount: string) {
    super();
  }

  /**
   * In a resource policy the policy's holders are its account: a resource policy that trusts the account lets
   * the account's IAM policies decide, and this managed policy is one of them. aws-cdk-lib asks for it when it
   * cannot tell that a resource is in the same account, such as `Key.fromKeyArn` in an environment-agnostic stack.
   */
  public get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.AccountPrincipal(this.principalAccount).policyFragment;
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
