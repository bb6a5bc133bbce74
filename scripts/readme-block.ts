/** README.md blocks that scripts render between two HTML comment markers. */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

const README = join(__dirname, '..', 'README.md');

/** `readme` with the text between `start` and `end` replaced by `content`. */
export function withBlock(readme: string, start: string, end: string, content: string): string {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) {
    throw new Error(`README.md needs the markers ${start} and ${end}`);
  }
  return `${readme.slice(0, from + start.length)}\n\n${content}\n\n${readme.slice(to)}`;
}

/** Rewrites the block in README.md, or with `--check` exits 1 when it differs, naming the `task` that rewrites it. */
export function rewriteReadmeBlock(start: string, end: string, content: string, task: string): void {
  const readme = readFileSync(README, 'utf8');
  const updated = withBlock(readme, start, end, content);
  if (!process.argv.includes('--check')) {
    writeFileSync(README, updated);
  } else if (updated !== readme) {
    console.error(`README.md is out of date between ${start} and ${end}: run \`npx projen ${task}\``);
    process.exit(1);
  }
}
