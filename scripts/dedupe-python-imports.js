// jsii-rosetta names a struct class once per object literal in its Python imports
// (`from cdk_metaflow_platform import MetaflowComputeEnvironmentOptions, MetaflowComputeEnvironmentOptions, ...`).
// jsii-pacmak takes the PyPI description's snippets from the tablet, so each name is kept once there.
const { readFileSync, writeFileSync } = require('fs');

const file = process.argv[2] ?? '.jsii.tabl.json';
const tablet = JSON.parse(readFileSync(file, 'utf8'));
let changed = 0;
for (const snippet of Object.values(tablet.snippets)) {
  const python = snippet.translations?.python;
  if (!python) continue;
  const source = python.source.replace(/^(from \S+ import )(.+)$/gm, (_line, head, names) =>
    head + [...new Set(names.split(',').map((name) => name.trim()))].join(', '));
  if (source !== python.source) {
    python.source = source;
    changed++;
  }
}
writeFileSync(file, JSON.stringify(tablet, null, 2));
console.log(`${file}: repeated Python import names removed in ${changed} snippet(s)`);
