import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MetaflowConfig, MetaflowPlatform } from '../../src';

describe('MetaflowConfig', () => {
  test('one output per key, described by the key, and the whole map as JSON', () => {
    const stack = new Stack(new App(), 'Test');
    const config = new MetaflowConfig(stack, 'Config');
    config.add('METAFLOW_DEFAULT_DATASTORE', 's3', 'datastore kind');
    config.add('METAFLOW_BATCH_JOB_QUEUE', 'queue-a', 'default queue');
    const template = Template.fromStack(stack);

    const outputs = template.findOutputs('*');
    const descriptions = Object.values(outputs).map((output: any) => output.Description);
    expect(descriptions).toEqual(expect.arrayContaining(['METAFLOW_DEFAULT_DATASTORE: datastore kind', 'METAFLOW_BATCH_JOB_QUEUE: default queue']));
    expect(stack.resolve(config.outputOf('METAFLOW_BATCH_JOB_QUEUE')!.value)).toBe('queue-a');
    expect(JSON.parse(stack.resolve(config.jsonOutput.value))).toEqual({ METAFLOW_DEFAULT_DATASTORE: 's3', METAFLOW_BATCH_JOB_QUEUE: 'queue-a' });
    expect(config.values).toEqual({ METAFLOW_DEFAULT_DATASTORE: 's3', METAFLOW_BATCH_JOB_QUEUE: 'queue-a' });
    expect(config.valueOf('METAFLOW_UI_URL')).toBeUndefined();
  });

  test('keys added after the JSON output was created still appear in it', () => {
    const stack = new Stack(new App(), 'Test');
    const config = new MetaflowConfig(stack, 'Config');
    config.add('METAFLOW_A', 'a', 'first');
    config.add('METAFLOW_B', 'b', 'second');
    expect(Object.keys(JSON.parse(stack.resolve(config.jsonOutput.value)))).toEqual(['METAFLOW_A', 'METAFLOW_B']);
  });

  test('stores the complete configuration, secret keys included, in a retained secret', () => {
    const stack = new Stack(new App(), 'Test');
    const config = new MetaflowConfig(stack, 'Config');
    config.add('METAFLOW_SERVICE_URL', 'https://example/api/', 'url');
    config.addSecret('METAFLOW_SERVICE_AUTH_KEY', SecretValue.secretsManager('api-key-secret'));
    const template = Template.fromStack(stack);

    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: {
        Description: Match.stringLikeRegexp('Complete Metaflow client configuration'),
        SecretString: '{"METAFLOW_SERVICE_URL":"https://example/api/","METAFLOW_SERVICE_AUTH_KEY":"{{resolve:secretsmanager:api-key-secret:SecretString:::}}"}',
      },
    });
    expect(config.secretKeys).toEqual(['METAFLOW_SERVICE_AUTH_KEY']);
    expect(JSON.parse(stack.resolve(config.jsonOutput.value))).toEqual({ METAFLOW_SERVICE_URL: 'https://example/api/' });
    const descriptions = (Object.values(template.findOutputs('*')) as any[]).map((output) => output.Description);
    expect(descriptions.some((description) => description.startsWith('METAFLOW_SERVICE_AUTH_KEY'))).toBe(false);
  });

  test('outputs the one command that writes ~/.metaflowconfig/config.json, keeping an existing file, under fixed ids', () => {
    const stack = new Stack(new App(), 'Test');
    const config = new MetaflowConfig(stack, 'Config', { removalPolicy: RemovalPolicy.DESTROY });
    const secretRef = { Ref: stack.getLogicalId(config.secret.node.defaultChild as any) };
    const parts = stack.resolve(config.configureCommandOutput.value)['Fn::Join'][1] as unknown[];
    expect(parts).toEqual(expect.arrayContaining([{ Ref: 'AWS::Region' }, secretRef]));
    expect(parts.join('')).toContain('aws secretsmanager get-secret-value --region ');
    const template = Template.fromStack(stack);
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    template.hasOutput('MetaflowConfigureCommand', {});
    template.hasOutput('MetaflowConfigSecretArn', { Value: secretRef });
    template.hasOutput('MetaflowConfigJson', {});
  });

  describe.each(configureShells())('the configure command under %s', (shell) => {
    // The command as `cdk deploy` prints it, run with a stand-in `aws` in a scratch HOME holding an old configuration.
    const run = (aws: string) => {
      const stack = new Stack(new App(), 'Test');
      const config = new MetaflowConfig(stack, 'Config');
      const command = (stack.resolve(config.configureCommandOutput.value)['Fn::Join'][1] as unknown[])
        .map((part) => (typeof part === 'string' ? part : 'X')).join('');
      const home = mkdtempSync(join(tmpdir(), 'home-'));
      const dir = join(home, '.metaflowconfig');
      mkdirSync(dir);
      writeFileSync(join(dir, 'config.json'), '{"old":true}', { mode: 0o644 });
      mkdirSync(join(home, 'bin'));
      writeFileSync(join(home, 'bin', 'aws'), `#!/bin/sh\n${aws}\n`, { mode: 0o755 });
      const result = spawnSync(shell, ['-c', command], { env: { HOME: home, PATH: `${join(home, 'bin')}:${process.env.PATH}` }, encoding: 'utf8' });
      const files = readdirSync(dir).sort();
      const mode = (file: string) => (statSync(join(dir, file)).mode % 0o1000).toString(8);
      return { status: result.status, stderr: result.stderr, files, dir, mode };
    };

    test('aws succeeds: the old file is kept as a backup, the new one written, both readable by the owner only', () => {
      const { status, files, dir, mode } = run('echo \'{"new":true}\'');
      expect(status).toBe(0);
      expect(files).toEqual(['config.json', expect.stringMatching(/^config\.json\.\d{14}\.bak$/)]);
      expect(readFileSync(join(dir, files[1]), 'utf8')).toBe('{"old":true}');
      expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{"new":true}\n');
      expect(files.map(mode)).toEqual(['600', '600']);
    });

    test('aws fails (expired credentials, exit 255): the old file stays as it was, no temporary file is left, the command fails', () => {
      const { status, stderr, files, dir } = run('echo "ExpiredToken" >&2; exit 255');
      expect(status).not.toBe(0);
      expect(stderr).toContain('not written');
      expect(files).toEqual(['config.json']);
      expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{"old":true}');
    });

    test('aws prints something that is not JSON: the old file stays', () => {
      const { status, files, dir } = run('echo "<html>proxy login</html>"');
      expect(status).not.toBe(0);
      expect(files).toEqual(['config.json']);
      expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{"old":true}');
    });
  });

  test('a platform named otherwise prefixes the output ids with its id', () => {
    const stack = new Stack(new App(), 'Test');
    new MetaflowPlatform(stack, 'Vision-Team');
    Template.fromStack(stack).hasOutput('VisionTeamConfigureCommand', {});
  });

  test('rejects keys that are not METAFLOW_* and keys set twice', () => {
    const config = new MetaflowConfig(new Stack(new App(), 'Test'), 'Config');
    expect(() => config.add('metaflow_lower', 'x', 'x')).toThrow(/'metaflow_lower' is not a Metaflow configuration key/);
    config.add('METAFLOW_X', 'x', 'x');
    expect(() => config.add('METAFLOW_X', 'y', 'y')).toThrow(/METAFLOW_X is already set/);
    expect(() => config.addSecret('METAFLOW_X', SecretValue.unsafePlainText('y'))).toThrow(/METAFLOW_X is already set/);
  });
});

/**
 * The shells users paste the command into. CI installs zsh (.ci/run); elsewhere a missing zsh is left out with a note,
 * and under CI it fails the run.
 */
function configureShells(): string[] {
  const available = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;
  const missing = ['bash', 'sh', 'zsh'].filter((shell) => !available(shell));
  if (missing.length > 0 && process.env.CI) {
    throw new Error(`The configure command tests need ${missing.join(', ')}; .ci/run installs them`);
  }
  for (const shell of missing) {
    console.warn(`configure command not tested under ${shell}: it is not installed`);
  }
  return ['bash', 'sh', 'zsh'].filter((shell) => !missing.includes(shell));
}
