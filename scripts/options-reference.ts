/**
 * Renders README's option reference from the jsii assembly (every option of every part, its type and
 * its default, as the code documents them), so the README cannot drift from the API.
 *
 *   ts-node scripts/options-reference.ts          rewrite the block in README.md
 *   ts-node scripts/options-reference.ts --check  exit 1 if README.md is out of date
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { rewriteReadmeBlock, withBlock } from './readme-block';

const ROOT = join(__dirname, '..');
export const START = '<!-- options-reference:start -->';
export const END = '<!-- options-reference:end -->';

/** Where each options struct sits in `MetaflowPlatformProps`, in reading order. */
const SECTIONS: Array<[string, string]> = [
  ['MetaflowPlatformProps', 'the platform'],
  ['MetaflowNetworkOptions', '`network`'],
  ['MetaflowDatastoreOptions', '`datastore`'],
  ['MetaflowBatchOptions', '`batch`'],
  ['MetaflowComputeEnvironmentOptions', '`batch.computeEnvironments[]`'],
  ['MetaflowJobQueueOptions', '`batch.jobQueues[]`'],
  ['MetaflowImageRepositoryOptions', '`batch.imageRepository`'],
  ['MetaflowMetadataServiceOptions', '`metadata`'],
  ['MetaflowDatabaseOptions', '`metadata.database: MetadataDatabase.postgresInstance({...})`'],
  ['MetaflowAuroraDatabaseOptions', '`metadata.database: MetadataDatabase.auroraPostgres({...})`'],
  ['MetaflowExistingDatabaseOptions', '`metadata.database: MetadataDatabase.existingInstance(instance, {...})` or `existingCluster(cluster, {...})`'],
  ['MetaflowHttpApiOptions', '`api: PublicApi.httpApi({...})` (the default)'],
  ['MetaflowRestApiOptions', '`api: PublicApi.restApi({...})`'],
  ['MetaflowStepFunctionsOptions', '`stepFunctions: StepFunctionsIntegration.enabled({...})`'],
  ['MetaflowUiOptions', '`ui`'],
  ['MetaflowUiCacheOptions', '`ui.cache`'],
  ['MetaflowNotebookOptions', '`notebook`'],
  ['MetaflowUserAccessOptions', '`users`'],
  ['MetaflowStepSecretsOptions', '`secrets: StepSecrets.awsSecretsManager({...})`'],
  ['MetaflowSharedStorageOptions', '`sharedStorage`'],
  ['MetaflowMonitoringOptions', '`monitoring`'],
  ['MetaflowRoleOptions', '`roles`'],
];

interface TypeReference {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly collection?: { readonly kind: 'array' | 'map'; readonly elementtype: TypeReference };
}

interface Property {
  readonly name: string;
  readonly optional?: boolean;
  readonly type: TypeReference;
  readonly docs?: { readonly summary?: string; readonly remarks?: string; readonly default?: string };
}

interface Assembly {
  readonly name: string;
  readonly types: { [fqn: string]: { readonly name: string; readonly properties?: Property[]; readonly interfaces?: string[] } };
}

function typeName(type: TypeReference): string {
  if (type.primitive) {
    return type.primitive === 'json' ? 'object' : type.primitive;
  }
  if (type.collection) {
    const element = typeName(type.collection.elementtype);
    return type.collection.kind === 'array' ? `${element}[]` : `{ [key]: ${element} }`;
  }
  const parts = type.fqn!.split('.');
  const module = parts.length > 2 ? parts[parts.length - 2].replace(/^aws_/, '') : undefined;
  return module && parts[0] === 'aws-cdk-lib' ? `${module}.${parts[parts.length - 1]}` : parts[parts.length - 1];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * The first whole sentence of a doc comment. jsii's summary stops at the first `;` too, so a
 * summary that does not end a sentence goes on into the remarks up to the sentence's end.
 */
export function firstSentence(docs: { readonly summary?: string; readonly remarks?: string }): string {
  const summary = docs.summary ?? '';
  if (!/[;:,]$/.test(summary) || !docs.remarks) {
    return summary;
  }
  const rest = docs.remarks.replace(/\s*\n\s*/g, ' ').match(/^.*?[.!?](?=\s|$)/)?.[0] ?? docs.remarks;
  return `${summary} ${rest}`;
}

function propertiesOf(assembly: Assembly, fqn: string): Property[] {
  const type = assembly.types[fqn];
  const inherited = (type.interfaces ?? []).filter((base) => assembly.types[base]).flatMap((base) => propertiesOf(assembly, base));
  return [...inherited, ...(type.properties ?? [])];
}

/** The markdown between the markers. */
export function renderOptionsReference(assembly: Assembly): string {
  return SECTIONS.map(([name, where]) => {
    const properties = propertiesOf(assembly, `${assembly.name}.${name}`);
    const rows = properties.map((property) => {
      const defaultValue = property.optional ? cell((property.docs?.default ?? '').replace(/^- /, '')) : 'required';
      return `| \`${property.name}\` | \`${cell(typeName(property.type))}\` | ${defaultValue} | ${cell(firstSentence(property.docs ?? {}))} |`;
    });
    return [`### ${where} (\`${name}\`)`, '', '| Option | Type | Default | What it is |', '|---|---|---|---|', ...rows].join('\n');
  }).join('\n\n');
}

/** README.md with the block replaced by `reference`. */
export function withReference(readme: string, reference: string): string {
  return withBlock(readme, START, END, reference);
}

export function loadAssembly(): Assembly {
  return JSON.parse(readFileSync(join(ROOT, '.jsii'), 'utf8'));
}

if (require.main === module) {
  rewriteReadmeBlock(START, END, renderOptionsReference(loadAssembly()), 'docs:options');
}
