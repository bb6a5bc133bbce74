import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
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
    expect(stack.resolve(config.configureCommandOutput.value)).toEqual({
      'Fn::Join': ['', [
        'mkdir -p ~/.metaflowconfig && f=~/.metaflowconfig/config.json && { [ ! -e "$f" ] || cp "$f" "$f.$(date +%Y%m%d%H%M%S).bak"; } && '
        + 'aws secretsmanager get-secret-value --region ',
        { Ref: 'AWS::Region' },
        ' --secret-id ',
        secretRef,
        ' --query SecretString --output text > "$f"',
      ]],
    });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    template.hasOutput('MetaflowConfigureCommand', {});
    template.hasOutput('MetaflowConfigSecretArn', { Value: secretRef });
    template.hasOutput('MetaflowConfigJson', {});
  });

  test('the configure command keeps an existing configuration and writes the new one', () => {
    const stack = new Stack(new App(), 'Test');
    const config = new MetaflowConfig(stack, 'Config');
    // Run the command with a stand-in `aws` that prints a configuration, in a scratch HOME holding an old one.
    const command = (stack.resolve(config.configureCommandOutput.value)['Fn::Join'][1] as unknown[])
      .map((part) => (typeof part === 'string' ? part : 'X')).join('');
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    mkdirSync(join(home, '.metaflowconfig'));
    writeFileSync(join(home, '.metaflowconfig', 'config.json'), '{"old":true}');
    mkdirSync(join(home, 'bin'));
    writeFileSync(join(home, 'bin', 'aws'), '#!/bin/sh\necho \'{"new":true}\'\n', { mode: 0o755 });
    execFileSync('bash', ['-c', command], { env: { HOME: home, PATH: `${join(home, 'bin')}:${process.env.PATH}` } });
    const files = readdirSync(join(home, '.metaflowconfig')).sort();
    expect(files).toEqual([expect.stringMatching(/^config\.json$/), expect.stringMatching(/^config\.json\.\d{14}\.bak$/)]);
    expect(readFileSync(join(home, '.metaflowconfig', files[1]), 'utf8')).toBe('{"old":true}');
    expect(readFileSync(join(home, '.metaflowconfig', 'config.json'), 'utf8')).toBe('{"new":true}\n');
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
