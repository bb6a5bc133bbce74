import { awscdk, javascript } from 'projen';

// aws-cdk-lib 2.257.0: the newest @aws-cdk/integ-runner reads cloud-assembly schema 53 only, which
// aws-cdk-lib 2.245-2.257 writes, and cdk-nag 3 needs >= 2.257. Users may run any later 2.x (peer ^2.257.0).
const CDK_VERSION = '2.257.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-metaflow-platform',
  description:
    'AWS CDK constructs that deploy a complete, private-by-default, low-idle-cost Metaflow platform: S3 datastore, AWS Batch, Step Functions, metadata service and more.',
  author: 'cdk-metaflow-platform developers',
  authorAddress: 'cdk-metaflow-platform@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk-metaflow-platform/cdk-metaflow-platform.git',
  license: 'Apache-2.0',
  keywords: ['awscdk', 'cdk', 'metaflow', 'mlops', 'aws-batch', 'step-functions', 'machine-learning'],
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // Node 22 and 24 are the maintained LTS lines; .ci/run fetches 24 from the npm registry on older machines.
  minNodeVersion: '22.0.0',
  workflowNodeVersion: '24.x',
  github: true,

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  // jsii 6.0 compiles with TypeScript 6.0.
  jsiiVersion: '~6.0.0',
  tsconfigDevFile: 'tsconfig.dev.json',

  // Releases publish with OIDC trusted publishing: no long-lived npm or PyPI token in the repository's secrets.
  // Configure the trusted publisher (this repository, workflow release.yml) on npmjs.com and pypi.org first.
  npmTrustedPublishing: true,
  publishToPypi: {
    distName: 'cdk-metaflow-platform',
    module: 'cdk_metaflow_platform',
    trustedPublishing: true,
  },
  // publib publishes the packages; pinned so a new publib cannot change a release unreviewed.
  jsiiReleaseVersion: '0.2.1061',
  // The GitHub build and release workflows run what `npx projen check` runs beyond `build`.
  postBuildSteps: [{
    name: 'API compatibility, Python package, cfn-lint, checkov, Python binding and flow tests',
    run: 'npx projen api:compat && npx projen package:python && npx projen lint:cfn && npx projen lint:checkov && npx projen test:python && npx projen test:flow && npx projen test:contract',
  }],

  // integ-runner 2.197.10 is the newest; it reads cloud-assembly schema 53 (aws-cdk-lib 2.245-2.257).
  devDeps: ['cdk-nag@^3.0.2', 'ts-node@^10', '@aws-cdk/integ-runner@2.197.10', '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0'],

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // Each synthesized platform takes a few seconds; the default 5 s is too tight on 2 cores.
      testTimeout: 60_000,
      // api/.baseline holds a copy of this package's manifest for jsii-diff; keep it out of jest's module map.
      modulePathIgnorePatterns: ['<rootDir>/api/'],
    },
  },

  tsconfigDev: {
    include: ['examples/**/*.ts', 'scripts/**/*.ts', '.projenrc.ts'],
    compilerOptions: {},
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts'],
    // One project for every linted file: tsconfig.dev.json covers src, test and examples.
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },

  gitignore: ['/cdk.out', '/.venv', '/.venv-flow', '/.contract', '/.node', '/.tmp', '__pycache__', '.pytest_cache'],
});
// Every GitHub action runs at a reviewed commit, not at a tag that can move (projen pins the others by commit already).
for (const [action, commit] of [
  ['actions/setup-node', '820762786026740c76f36085b0efc47a31fe5020'], // v7.0.0
  ['actions/setup-python', '5fda3b95a4ea91299a34e894583c3862153e4b97'], // v7.0.0
  ['peter-evans/create-pull-request', '5f6978faf089d4d20b00c7766989d076bb2fc7f1'], // v8.1.1
]) {
  project.github!.actions.set(action, `${action}@${commit}`);
}

// integ-runner verifies snapshots from their templates; the bundled assets (2 MiB each) stay out of the repository.
// Added after construction, so that it follows projen's own `!/test/`.
project.gitignore.addPatterns('/test/*.snapshot/asset.*');

for (const pattern of ['/examples/', '/.ci/', '/scripts/', '/.tmp/', '/cdk.out/', '/.venv/', '/.venv-flow/', '/.contract/', '/.node/', '/rosetta/', '/api/', '*.snapshot/']) {
  project.addPackageIgnore(pattern);
}


// Every TypeScript snippet of the README must compile (fixtures in rosetta/); the tablet it writes is what
// jsii-pacmak uses to give the PyPI description Python instead of TypeScript.
project.postCompileTask.exec('jsii-rosetta extract --strict');
project.postCompileTask.exec('node scripts/dedupe-python-imports.js .jsii.tabl.json');
project.gitignore.addPatterns('.jsii.tabl.json');
// The recorded API baseline is an assembly file that must be committed (projen ignores .jsii elsewhere). It sits
// in a dot folder because jsii-docgen documents every .jsii it finds outside one under the package's name and
// version, and a baseline found after the build's own assembly made API.md describe the baseline, not the build.
project.gitignore.addPatterns('!/api/.baseline/.jsii');

// ts-jest only transpiles; type-check tests and examples explicitly.
project.testTask.prependExec('tsc --noEmit -p tsconfig.dev.json', { name: 'type-check tests and examples' });

const examples = ['default', 'bring-your-own', 'full', 'with-ui', 'team', 'private', 'parts', 'data-stack', 'aurora', 'rest-api'];
const venv = '.venv';
const python = `${venv}/bin/python`;

const venvTask = project.addTask('venv', {
  description: 'Create the Python virtualenv used by cfn-lint and the Python binding tests',
  steps: [
    { exec: `python3 -m venv ${venv}` },
    { exec: `${python} -m pip install --quiet --disable-pip-version-check -r test/python/requirements.txt` },
  ],
});

const synthExamples = project.addTask('synth:examples', {
  description: 'Synthesize every example app into cdk.out/examples/<name>',
  steps: examples.map((name) => ({
    exec: `rm -rf cdk.out/examples/${name} && CDK_OUTDIR=cdk.out/examples/${name} TS_NODE_TRANSPILE_ONLY=1 ts-node examples/${name}/app.ts`,
  })),
});

const cfnLint = project.addTask('lint:cfn', {
  description: 'Run cfn-lint on every synthesized example template',
  steps: [
    { spawn: venvTask.name },
    { spawn: synthExamples.name },
    // W3005 (DependsOn next to a Ref) is how CDK orders resources; harmless. W6001 (an output whose value is
    // imported from another stack) is how a team platform repeats the shared service's URLs in its own METAFLOW_* outputs.
    { exec: `${venv}/bin/cfn-lint --ignore-checks W3005 W6001 -- cdk.out/examples/*/*.template.json` },
  ],
});

const checkov = project.addTask('lint:checkov', {
  description: 'Run checkov on every synthesized example template; skips are listed with a reason in scripts/checkov-skips.txt',
  steps: [
    { spawn: venvTask.name },
    { spawn: synthExamples.name },
    { exec: 'bash scripts/checkov.sh' },
  ],
});

const pythonTest = project.addTask('test:python', {
  description: 'Install the built wheel into the venv and synthesize the platform from Python',
  steps: [
    { spawn: venvTask.name },
    { exec: `${python} -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps dist/python/*.whl` },
    { exec: `${python} -m pytest -q test/python` },
  ],
});

// integ-runner: offline it verifies the committed snapshots (test/integ.*.ts.snapshot) and fails on drift.
const integEnv = { TS_NODE_TRANSPILE_ONLY: '1' };
const integ = project.addTask('integ', {
  description: 'Verify the integration test snapshots (offline)',
  env: integEnv,
  exec: 'integ-runner --language typescript --directory test',
});
project.addTask('integ:update', {
  description: 'Rewrite the integration test snapshots without deploying (no AWS account needed)',
  env: integEnv,
  exec: 'integ-runner --language typescript --directory test --update-on-failed --dry-run',
});
project.addTask('integ:deploy', {
  description: 'Deploy every integration test to AWS, run its assertions, destroy it and update the snapshots (needs credentials)',
  env: integEnv,
  // One region (AWS_REGION, else us-east-1), so quotas and leftovers are where the user looks.
  exec: 'integ-runner --language typescript --directory test --update-on-failed --parallel-regions ${AWS_REGION:-us-east-1}',
});
project.testTask.spawn(integ);

project.addTask('docs:options', {
  description: 'Rewrite the option reference in README.md from the jsii assembly (a unit test fails when it is out of date)',
  exec: 'ts-node --transpile-only scripts/options-reference.ts',
});

project.addTask('docs:costs', {
  description: 'Rewrite the idle cost table in README.md from the examples\' synthesized templates (a unit test fails when it is out of date)',
  exec: 'ts-node --transpile-only scripts/idle-cost.ts',
});

// The flow the integ tests run on Batch, run here with local metadata and datastore, then read back.
const flowTest = project.addTask('test:flow', {
  description: 'Run the integration tests\' Metaflow flow locally (pip install metaflow) and read the run back',
  exec: 'bash test/integ/flows/run-locally.sh',
});

// The software the platform deploys (metaflow-service v2.5.1: migration, metadata service, UI backend), run with the
// commands and environments of the synthesized templates against PostgreSQL 17 with SSL required (test/contract).
const contractTest = project.addTask('test:contract', {
  description: 'Run the real migration, metadata service, UI backend and a flow with what the templates give them (installs what it needs)',
  steps: [
    { spawn: synthExamples.name },
    { exec: 'bash test/contract/setup.sh' },
    { exec: 'bash test/contract/run.sh' },
  ],
});

// jsii-diff: breaking API changes fail the check. Re-record the baseline only for a deliberate break before 1.0.
const apiCompat = project.addTask('api:compat', {
  description: 'Fail on breaking API changes against the last npm release, or api/.baseline until there is one',
  exec: 'bash scripts/api-compat.sh',
});
project.addTask('api:baseline', {
  description: 'Record the current API as the compatibility baseline (api/.baseline/.jsii)',
  exec: 'cp .jsii api/.baseline/.jsii',
});

project.addTask('check', {
  description: 'Everything CI runs: build (compile, lint, unit tests, API.md, npm package), Python package, cfn-lint, checkov, Python tests',
  steps: [
    { spawn: 'build' },
    { spawn: apiCompat.name },
    { spawn: 'package:python' },
    { spawn: cfnLint.name },
    { spawn: checkov.name },
    { spawn: pythonTest.name },
    { spawn: flowTest.name },
    { spawn: contractTest.name },
  ],
});

project.addTask('synth:default', {
  description: 'Synthesize the default platform offline and print what it would deploy',
  steps: [
    { exec: 'CDK_OUTDIR=cdk.out/examples/default TS_NODE_TRANSPILE_ONLY=1 ts-node examples/default/app.ts' },
    { exec: 'node scripts/summarize-template.js cdk.out/examples/default' },
  ],
});

project.synth();
