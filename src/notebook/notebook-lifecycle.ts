/** What the notebook's start script needs. */
export interface NotebookStartScriptProps {
  /** ARN of the secret holding the complete client configuration. */
  readonly configSecretArn: string;
  /** The region of the secret. */
  readonly region: string;
  /** The keys the configuration must hold; the script fails loudly if one is missing. */
  readonly requiredKeys: string[];
  /** The pip requirement for Metaflow. */
  readonly metaflowPackage: string;
}

/**
 * The notebook's start script: as `ec2-user`, writes the complete Metaflow configuration (API key
 * included) from the stored secret into `~/.metaflowconfig/config.json`, checks that it holds every
 * key the platform sets, then installs Metaflow in the background (SageMaker stops a start script
 * after five minutes). Nothing secret is in the script: the key is read when the notebook starts.
 */
export function notebookStartScript(props: NotebookStartScriptProps): string {
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    "sudo -u ec2-user -i <<'METAFLOW'",
    'set -euo pipefail',
    'mkdir -p ~/.metaflowconfig',
    `aws secretsmanager get-secret-value --region ${props.region} --secret-id ${props.configSecretArn} --query SecretString --output text > ~/.metaflowconfig/config.json`,
    'chmod 600 ~/.metaflowconfig/config.json',
    `for key in ${props.requiredKeys.join(' ')}; do`,
    '  grep -q "\\"$key\\"" ~/.metaflowconfig/config.json || { echo "The stored Metaflow configuration lacks $key" >&2; exit 1; }',
    'done',
    `nohup bash -c 'source ~/anaconda3/bin/activate python3 && pip install --quiet "${props.metaflowPackage}"' > ~/metaflow-install.log 2>&1 &`,
    'METAFLOW',
    '',
  ].join('\n');
}
