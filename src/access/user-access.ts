import { aws_iam as iam, aws_secretsmanager as secretsmanager, Duration, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ManagedPolicyPrincipal } from './managed-policy-principal';
import { validateUserAccessOptions } from './user-access-props-validation';
import { MetaflowBatch } from '../compute/batch';
import { batchJobsArn, metaflowJobDefinitionsArn } from '../compute/batch-names';
import { MetaflowDatastore } from '../datastore/datastore';
import { stateMachineNamedArn } from '../orchestration/state-machine-names';
import { MetaflowStepFunctions } from '../orchestration/step-functions';
import { acknowledgeWildcardResources } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';
import { grantSecretValueRead } from '../secrets/secret-grants';

/**
 * Options for the people who use the platform: a managed policy with what the Metaflow client
 * calls, and optionally a role they assume.
 */
export interface MetaflowUserAccessOptions {
  /**
   * Principals that may assume the Metaflow user role: 12-digit account ids, or ARNs of roles or
   * users (for example the role of an IAM Identity Center permission set). A role is created only
   * when this is set.
   *
   * @default - no role; attach the policy yourself (grantClient in TypeScript, grant_client in Python)
   */
  readonly roleAssumableBy?: string[];

  /**
   * How long a session of the user role lasts.
   *
   * @default Duration.hours(12)
   */
  readonly roleMaxSessionDuration?: Duration;
}

/**
 * Props of `MetaflowUserAccess`.
 */
export interface MetaflowUserAccessProps extends MetaflowUserAccessOptions {
  /** The datastore users read and write. */
  readonly datastore: MetaflowDatastore;
  /** The Batch part users submit jobs to. */
  readonly batch: MetaflowBatch;

  /**
   * The Step Functions part users deploy and run flows with.
   *
   * @default - no Step Functions permissions
   */
  readonly stepFunctions?: MetaflowStepFunctions;

  /**
   * The secret holding the complete client configuration, which users read to configure the client.
   *
   * @default - none
   */
  readonly configSecret?: secretsmanager.ISecret;
}

/**
 * What a Metaflow user's client needs for one platform, as a managed policy to attach to existing
 * users, groups and roles (`grantClient`), and optionally a role that named principals assume.
 *
 * The actions are those the client calls (Metaflow `plugins/aws/batch/batch_client.py`,
 * `plugins/aws/step_functions/step_functions_client.py`, `event_bridge_client.py`): submit, follow,
 * list and stop Batch jobs and register `metaflow_*` job definitions; create, update, run and delete
 * the deployment's state machines and their `@schedule` rules; pass exactly the platform's roles.
 */
export class MetaflowUserAccess extends Construct implements iam.IGrantable {
  /** The managed policy with every permission a Metaflow user needs on this platform. */
  public readonly policy: iam.ManagedPolicy;
  /** The role named principals assume, when `roleAssumableBy` is set. */
  public readonly role?: iam.Role;
  /** Fills `policy`: grants to this principal become statements of the policy. */
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: MetaflowUserAccessProps) {
    super(scope, id);
    validateOrThrow('MetaflowUserAccess', props, validateUserAccessOptions);
    this.policy = new iam.ManagedPolicy(this, 'Policy', { description: 'What a Metaflow user\'s client needs on this platform' });
    this.grantPrincipal = new ManagedPolicyPrincipal(this.policy, Stack.of(this).account);

    if (props.configSecret) {
      // The configure command and the notebook's start script call get-secret-value, nothing else.
      grantSecretValueRead(props.configSecret, this);
    }
    props.datastore.grantReadWrite(this);
    this.grantBatch(props.batch);
    if (props.stepFunctions) {
      this.grantStepFunctions(props.stepFunctions);
    }
    this.grantPassRoles(props);

    if (props.roleAssumableBy && props.roleAssumableBy.length > 0) {
      this.role = new iam.Role(this, 'Role', {
        assumedBy: new iam.CompositePrincipal(...props.roleAssumableBy.map(principalOf)),
        description: 'Metaflow user: runs flows on Batch and Step Functions with this platform',
        maxSessionDuration: props.roleMaxSessionDuration ?? Duration.hours(12),
        managedPolicies: [this.policy],
      });
    }
  }

  /**
   * Attaches the user policy to an existing user, group or role of this account.
   */
  public grantClient(identity: iam.IIdentity): void {
    const account = Stack.of(this).account;
    const identityAccount = identity.env.account;
    if (!Token.isUnresolved(account) && !Token.isUnresolved(identityAccount) && identityAccount !== account) {
      throw new Error(`MetaflowUserAccess.grantClient: the identity belongs to account ${identityAccount}, and a managed policy of account ${account} `
        + 'cannot be attached to it. Fix: let it assume the user role instead (roleAssumableBy).');
    }
    identity.addManagedPolicy(this.policy);
  }

  private grantBatch(batch: MetaflowBatch): void {
    const jobDefinitions = metaflowJobDefinitionsArn(this);
    const queues = batch.jobQueues.map((queue) => queue.jobQueueArn);
    const jobs = batchJobsArn(this);
    iam.Grant.addToPrincipal({ grantee: this, actions: ['batch:SubmitJob'], resourceArns: [...queues, jobDefinitions] });
    // The client registers job definitions named metaflow_<sha224> (batch_client.py) before it submits.
    iam.Grant.addToPrincipal({ grantee: this, actions: ['batch:RegisterJobDefinition'], resourceArns: [jobDefinitions] });
    iam.Grant.addToPrincipal({
      grantee: this,
      actions: ['batch:DescribeJobs', 'batch:ListJobs', 'batch:DescribeJobQueues', 'batch:DescribeJobDefinitions', 'batch:DescribeComputeEnvironments'],
      resourceArns: ['*'],
    });
    // `batch kill` and Ctrl-C stop jobs (batch_client.py BatchJob.kill: terminate_job); SubmitJob tags them (batch.py).
    iam.Grant.addToPrincipal({ grantee: this, actions: ['batch:TerminateJob'], resourceArns: [jobs] });
    iam.Grant.addToPrincipal({ grantee: this, actions: ['batch:TagResource'], resourceArns: [...queues, jobs] });
    acknowledgeWildcardResources(this, [jobDefinitions], 'Metaflow names job definitions metaflow_<hash> when a flow runs; the grant is limited to those names.');
    acknowledgeWildcardResources(this, ['*'], 'Batch Describe*/ListJobs and states:ListStateMachines support no resource-level permissions.');
    acknowledgeWildcardResources(this, [jobs], 'Batch gives a job its id when it is submitted, so stopping and tagging (at submission) the jobs a run starts needs job/*.');
  }

  /**
   * What `step-functions create / trigger / list-runs / terminate / delete` call (step_functions_client.py: create, update,
   * describe and delete state machines, list_state_machines, start_execution, list_executions, stop_execution;
   * event_bridge_client.py: put_rule, put_targets, disable_rule, remove_targets, delete_rule).
   */
  private grantStepFunctions(stepFunctions: MetaflowStepFunctions): void {
    const prefix = stepFunctions.stateMachinePrefix;
    const stateMachines = stateMachineNamedArn(this, prefix, 'states', 'stateMachine');
    const executions = stateMachineNamedArn(this, prefix, 'states', 'execution');
    const rules = stateMachineNamedArn(this, prefix, 'events', 'rule');
    iam.Grant.addToPrincipal({
      grantee: this,
      actions: ['states:CreateStateMachine', 'states:UpdateStateMachine', 'states:DescribeStateMachine', 'states:DeleteStateMachine',
        'states:StartExecution', 'states:ListExecutions'],
      resourceArns: [stateMachines],
    });
    iam.Grant.addToPrincipal({ grantee: this, actions: ['states:StopExecution'], resourceArns: [executions] });
    // `step-functions create` looks its state machine up by name among all of them (step_functions_client.py).
    iam.Grant.addToPrincipal({ grantee: this, actions: ['states:ListStateMachines'], resourceArns: ['*'] });
    // @schedule rules are named after the state machine (event_bridge_client.py), so they share the prefix.
    iam.Grant.addToPrincipal({
      grantee: this,
      actions: ['events:PutRule', 'events:PutTargets', 'events:DeleteRule', 'events:RemoveTargets', 'events:DisableRule'],
      resourceArns: [rules],
    });
    acknowledgeWildcardResources(this, [stateMachines, executions, rules],
      'Metaflow names state machines and @schedule rules <prefix>_<flow> at deploy time; the grant is limited to <prefix>_*.');
  }

  /** Exactly the platform's roles, each only to the service that uses it. */
  private grantPassRoles(props: MetaflowUserAccessProps): void {
    const passes: Array<[iam.IRole | undefined, string[]]> = [
      [props.batch.jobRole, ['batch.amazonaws.com', 'ecs-tasks.amazonaws.com']],
      [props.batch.executionRole, ['batch.amazonaws.com', 'ecs-tasks.amazonaws.com']],
      [props.stepFunctions?.stateMachineRole, ['states.amazonaws.com']],
      [props.stepFunctions?.eventsRole, ['events.amazonaws.com']],
    ];
    for (const [role, services] of passes) {
      if (role) {
        this.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
          actions: ['iam:PassRole'], resources: [role.roleArn], conditions: { StringEquals: { 'iam:PassedToService': services } },
        }));
      }
    }
  }
}

/** An account id becomes the account's principal; anything else is an ARN. */
function principalOf(principal: string): iam.IPrincipal {
  return /^\d{12}$/.test(principal) ? new iam.AccountPrincipal(principal) : new iam.ArnPrincipal(principal);
}
