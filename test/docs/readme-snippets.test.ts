import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  App, aws_certificatemanager as acm, aws_ec2 as ec2, aws_iam as iam, aws_rds as rds, aws_route53 as route53, aws_s3 as s3,
  aws_secretsmanager as secretsmanager, cx_api as cxapi, Stack,
} from 'aws-cdk-lib';
import * as ts from 'typescript';

/*
 * Every TypeScript snippet of the README, synthesized as a user would run it: in an app with the feature
 * flags `cdk init` writes, without credentials, account or region. jsii-rosetta only compiles them;
 * a lookup that needs an account, or a missing file, shows only here. The values the README's snippets
 * take as given (`vpc`, `hostedZone`, ... declared in rosetta/default.ts-fixture) are built below.
 */

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const fixture = readFileSync(join(root, 'rosetta', 'default.ts-fixture'), 'utf8');
const fixtureImports = fixture.slice(0, fixture.indexOf('declare const'));

interface Snippet {
  readonly index: number;
  readonly completeApp: boolean;
  readonly code: string;
}

const snippets: Snippet[] = [...readme.matchAll(/^```ts( fixture=app)?\n([\s\S]*?)^```$/gm)]
  .map((match, index) => ({ index: index + 1, completeApp: match[1] !== undefined, code: match[2] }));

/** What rosetta/default.ts-fixture declares, as real constructs of `stack`'s app. */
function givenValues(app: App, stack: Stack): Record<string, unknown> {
  const vpc = new ec2.Vpc(stack, 'GivenVpc', { natGateways: 1 });
  return {
    app,
    stack,
    vpc,
    existingBucket: s3.Bucket.fromBucketName(stack, 'GivenBucket', 'my-existing-bucket'),
    certificate: acm.Certificate.fromCertificateArn(stack, 'GivenCertificate', 'arn:aws:acm:us-east-1:111122223333:certificate/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab'),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'GivenZone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
    databaseSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'GivenSecret', 'metaflow-database'),
    databaseInstance: new rds.DatabaseInstance(stack, 'GivenDatabase', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }), vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    }),
    sharedStack: new Stack(app, 'SharedStack'),
    teamStack: new Stack(app, 'TeamStack'),
    boundary: iam.ManagedPolicy.fromManagedPolicyName(stack, 'GivenBoundary', 'metaflow-boundary'),
  };
}

/** Runs TypeScript source as CommonJS, with `cdk-metaflow-platform` resolved to this repository's source. */
function run(source: string, self: unknown, scope: Record<string, unknown>): Record<string, unknown> {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exported: Record<string, unknown> = {};
  const load = (name: string) => (name === 'cdk-metaflow-platform' ? require('../../src') : require(name));
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'exports', ...Object.keys(scope), js).call(self, load, exported, ...Object.values(scope));
  return exported;
}

/** Synthesizes one snippet; returns the warnings and errors the synthesis reported. */
function synthesize(snippet: Snippet): string[] {
  const app = new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
  if (snippet.completeApp) {
    const exported = run(snippet.code, undefined, {});
    for (const [name, value] of Object.entries(exported)) {
      if (typeof value === 'function' && value.prototype instanceof Stack) {
        new (value as new (scope: App, id: string) => Stack)(app, name);
      }
    }
  } else {
    const stack = new Stack(app, 'Snippet');
    // A block, so that a snippet's own `const` may shadow a given value.
    run(`${fixtureImports}\n{\n${snippet.code}\n}`, stack, givenValues(app, stack));
  }
  return app.synth().stacks.flatMap((stack) => stack.messages)
    .filter((message) => message.level !== 'info')
    .map((message) => `${message.level} at ${message.id}: ${message.entry.data}`);
}

describe('README TypeScript snippets', () => {
  const cwd = process.cwd();
  beforeAll(() => {
    // The SSL snippet builds the metadata image from ./metadata-image, as a user's app folder would hold it.
    const appFolder = mkdtempSync(join(tmpdir(), 'readme-app-'));
    mkdirSync(join(appFolder, 'metadata-image'));
    writeFileSync(join(appFolder, 'metadata-image', 'Dockerfile'), 'FROM netflixoss/metaflow_metadata_service:v2.5.1\n');
    process.chdir(appFolder);
  });
  afterAll(() => process.chdir(cwd));

  test('there are snippets, the quick start among them', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(12);
    expect(snippets.filter((snippet) => snippet.completeApp)).toHaveLength(1);
  });

  test.each(snippets.map((snippet) => [snippet.index, snippet.code.split('\n')[0], snippet] as const))(
    'snippet %i (%s) synthesizes offline without a warning', (_index, _firstLine, snippet) => {
      expect(synthesize(snippet)).toEqual([]);
    });
});
