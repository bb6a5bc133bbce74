#!/usr/bin/env node
// Prints what a synthesized stack would deploy: resources by type and the Metaflow configuration outputs.
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: summarize-template.js <cdk.out folder>');
  process.exit(2);
}
for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.template.json')).sort()) {
  const template = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const resources = Object.values(template.Resources ?? {});
  const counts = {};
  for (const resource of resources) {
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  console.log(`${file}: ${resources.length} resources`);
  for (const [type, count] of Object.entries(counts).sort()) {
    console.log(`  ${String(count).padStart(3)}  ${type}`);
  }
  const outputs = Object.values(template.Outputs ?? {});
  console.log(`${outputs.length} outputs:`);
  for (const output of outputs) {
    console.log(`  - ${output.Description ?? '(no description)'}`);
  }
}
