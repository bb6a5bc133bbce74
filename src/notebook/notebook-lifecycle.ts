/** Where the start script reports a failed background install of Metaflow: the top of the notebook's file browser. */
export const INSTALL_FAILED = '~/SageMaker/METAFLOW-INSTALL-FAILED.txt';

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
    // The install outlives the script, so a failure is written where the user looks: the notebook's file browser (~/SageMaker).
    `nohup bash -c 'rm -f ${INSTALL_FAILED} && source ~/anaconda3/bin/activate python3 && pip install --quiet "${props.metaflowPackage}" `
      + `|| { echo "pip install \\"${props.metaflowPackage}\\" failed: see ~/metaflow-install.log, then run it in a terminal" > ${INSTALL_FAILED}; exit 1; }' `
      + '> ~/metaflow-install.log 2>&1 &',
    'METAFLOW',
    '',
  ].join('\n');
}
