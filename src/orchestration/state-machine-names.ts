import { ArnFormat, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * ARNs of the `resource` kind (stateMachine, execution, rule) named after this deployment's state machines.
 * Metaflow names a state machine `<prefix>_<flow>` (`plugins/aws/step_functions/step_functions_cli.py`,
 * `resolve_state_machine_name`) and its `@schedule` rule after the state machine (`event_bridge_client.py`),
 * so the glob ends at the `_`: prefix `vision` must not cover a neighbour's `visionary_*`.
 */
export function stateMachineNamedArn(scope: IConstruct, prefix: string, service: 'states' | 'events', resource: string): string {
  return Stack.of(scope).formatArn({
    service,
    resource,
    resourceName: `${prefix}_*`,
    arnFormat: service === 'states' ? ArnFormat.COLON_RESOURCE_NAME : ArnFormat.SLASH_RESOURCE_NAME,
  });
}
