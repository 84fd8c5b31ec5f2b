/**
 * The docs check: every code example in the repository's Markdown is code that runs.
 *
 * A TypeScript or JavaScript block must name, on the line just before its fence, the
 * test file (or a fixture a test builds or runs) that holds the same lines:
 *
 *     <!-- verbatim: packages/recovery-server/test/adapters/express.test.ts -->
 *     ```ts
 *     app.use('/api', toNodeHandler(server));
 *     ```
 *
 * The lines must stand in that file in the same order, one after another; indentation,
 * trailing spaces and blank lines are ignored so an example can sit inside a test
 * function. So a README example cannot drift from what the tests run. Shell blocks are
 * checked for what can go stale without a test: `pnpm <script>` names a real script,
 * `npm install @resumable/…` a package we publish.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const CODE_LANGUAGES = new Set(['ts', 'tsx', 'typescript', 'js', 'jsx', 'javascript', 'mjs', 'cjs']);
const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console']);
const MARKER = /^\s*<!--\s*verbatim:\s*(\S+)\s*-->\s*$/;
/** What a runnable twin looks like: a test file, or a file under a test or fixtures folder. */
const TWIN_PATH = /(\.test\.tsx?$)|(^|\/)(test|e2e|fixtures)\//;
/**
 * Commands pnpm hands to npm before it looks at scripts: `pnpm docs` opens a web page
 * even when package.json has a `docs` script (`pnpm run docs` runs it).
 */
const PNPM_SHADOWS = new Set(['docs', 'bugs', 'repo', 'home', 'view', 'info', 'show', 'search', 'version', 'whoami']);
/** pnpm's own commands (anything else after `pnpm` must be a script of the root package). */
const PNPM_COMMANDS = new Set(['install', 'i', 'add', 'exec', 'dlx', 'run', '--filter', '-r', '--version', 'pack']);

export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  language: string;
  lines: string[];
  /** The path named by a `<!-- verbatim: … -->` marker right before the fence. */
  twin?: string;
}

/** Splits Markdown into its fenced blocks, with the twin marker each one carries. */
export function codeBlocks(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[index] ?? '');
    if (!open) continue;
    const [, , fence = '```', language = ''] = open;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && !(lines[index] ?? '').trim().startsWith(fence); index++) {
      body.push(lines[index] ?? '');
    }
    let before = start - 1;
    while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
    const twin = MARKER.exec(lines[before] ?? '')?.[1];
    blocks.push({ file, line: start + 1, language: language.toLowerCase(), lines: body, ...(twin ? { twin } : {}) });
  }
  return blocks;
}

const normalise = (lines: readonly string[]) => lines.map((line) => line.trim()).filter((line) => line !== '');

/** True when `needle`'s lines stand in `haystack` one after another (indentation and blank lines aside). */
export function containsVerbatim(haystack: string, needle: readonly string[]): boolean {
  const wanted = normalise(needle);
  const have = normalise(haystack.split(/\r?\n/));
  if (wanted.length === 0) return false;
  outer: for (let start = 0; start + wanted.length <= have.length; start++) {
    for (let offset = 0; offset < wanted.length; offset++) {
      if (have[start + offset] !== wanted[offset]) continue outer;
    }
    return true;
  }
  return false;
}

/**
 * Splits a block into its leading import statements and the code after them. A test
 * file keeps its imports at the top, so an example's imports may stand there, each
 * statement whole, while its code stands together inside a test.
 */
export function splitImports(lines: readonly string[]): { imports: string[][]; code: string[] } {
  const imports: string[][] = [];
  let index = 0;
  while (index < lines.length) {
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('//')) {
      index++;
      continue;
    }
    if (!/^import[\s{'"]/.test(line)) break;
    const statement: string[] = [];
    while (index < lines.length) {
      const part = lines[index++] ?? '';
      statement.push(part);
      if (/(from\s*|^\s*import\s*)['"][^'"]+['"];?\s*$/.test(part)) break;
    }
    imports.push(statement);
  }
  return { imports, code: lines.slice(index) };
}

/** What is wrong with one code block, or undefined when it is in order. */
export function checkCodeBlock(block: CodeBlock, readTwin: (path: string) => string | undefined): string | undefined {
  if (!CODE_LANGUAGES.has(block.language)) return undefined;
  const where = `${block.file}:${block.line}`;
  if (!block.twin) return `${where}: a ${block.language} block without a <!-- verbatim: path --> marker before it`;
  if (!TWIN_PATH.test(block.twin)) return `${where}: ${block.twin} is not a test file or a test fixture`;
  const twin = readTwin(block.twin);
  if (twin === undefined) return `${where}: ${block.twin} does not exist`;
  const { imports, code } = splitImports(block.lines);
  const missing = imports.find((statement) => !containsVerbatim(twin, statement));
  if (missing) return `${where}: ${block.twin} does not hold the import \`${missing.join(' ').trim()}\``;
  if (normalise(code).length > 0 && !containsVerbatim(twin, code)) {
    return `${where}: ${block.twin} does not hold these lines verbatim`;
  }
  return undefined;
}

/**
 * Problems in a shell block: pnpm scripts that do not exist, @resumable packages we do not
 * publish, an `npx pnpm@…` of another version than package.json pins.
 */
export function checkShellBlock(
  block: CodeBlock,
  scripts: ReadonlySet<string>,
  published: ReadonlySet<string>,
  workspace: ReadonlySet<string>,
  pinnedPnpm?: string,
): string[] {
  if (!SHELL_LANGUAGES.has(block.language)) return [];
  const problems: string[] = [];
  const commands = block.lines
    .map((line) => line.replace(/#.*$/, ''))
    .flatMap((line) => line.split(/&&|;|\|\|/))
    .map((command) => command.trim().replace(/^\$\s*/, ''))
    .filter(Boolean);
  for (const command of commands) {
    let words = command.split(/\s+/);
    // `npx --yes pnpm@<version> …` is pnpm too, and must fetch the version package.json pins.
    const npx = /^npx(?:\s+(?:--yes|-y))*\s+pnpm@(\S+)\s*/.exec(command);
    if (npx) {
      if (pinnedPnpm !== undefined && npx[1] !== pinnedPnpm) {
        problems.push(
          `${block.file}:${block.line}: \`${command}\`: package.json pins pnpm@${pinnedPnpm}, not ${npx[1]}`,
        );
      }
      words = ['pnpm', ...command.slice(npx[0].length).split(/\s+/)];
    }
    if (words[0] === 'pnpm' && words[1] && PNPM_SHADOWS.has(words[1])) {
      problems.push(
        `${block.file}:${block.line}: \`${command}\`: pnpm runs its own "${words[1]}", not the script: write \`pnpm run ${words[1]}\``,
      );
    } else if (words[0] === 'pnpm' && words[1] && !PNPM_COMMANDS.has(words[1]) && !scripts.has(words[1])) {
      problems.push(`${block.file}:${block.line}: \`${command}\`: the root package.json has no script "${words[1]}"`);
    }
    // What a user installs must be published; a workspace filter may name a private package.
    const installs = /^(npm (install|i|add)|pnpm add|yarn add)\b/.test(command);
    words.forEach((word, index) => {
      if (!word.startsWith('@resumable/')) return;
      const name = word.replace(/@[^@/]*$/, '');
      if (installs && !published.has(name)) {
        problems.push(`${block.file}:${block.line}: \`${command}\`: ${name} is not a package we publish`);
      }
      if (words[index - 1] === '--filter' && !workspace.has(name)) {
        problems.push(`${block.file}:${block.line}: \`${command}\`: ${name} is not a workspace package`);
      }
    });
  }
  return problems;
}

function markdownFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed
    .split('\n')
    .filter((path) => path && existsSync(join(ROOT, path)))
    .filter((path) => !path.startsWith('.changeset/') && !path.endsWith('CHANGELOG.md'));
}

/** Every package of the workspace, with whether it is published. */
function workspacePackages(): { name: string; published: boolean }[] {
  return ['packages', 'tooling', 'examples'].flatMap((folder) =>
    readdirSync(join(ROOT, folder))
      .map((dir) => join(ROOT, folder, dir, 'package.json'))
      .filter((path) => existsSync(path))
      .map((path) => JSON.parse(readFileSync(path, 'utf8')) as { name: string; private?: boolean })
      .map((manifest) => ({ name: manifest.name, published: folder === 'packages' && manifest.private !== true })),
  );
}

const readTwin = (path: string) => {
  const full = join(ROOT, path);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
};

describe('the docs check', () => {
  const blocks = markdownFiles().flatMap((file) => codeBlocks(file, readFileSync(join(ROOT, file), 'utf8')));
  const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: object;
    packageManager: string;
  };
  const rootScripts = new Set(Object.keys(rootManifest.scripts));
  const pinnedPnpm = rootManifest.packageManager.replace(/^pnpm@/, '');

  it('finds the examples (the READMEs have code blocks at all)', () => {
    expect(blocks.filter((block) => CODE_LANGUAGES.has(block.language)).length).toBeGreaterThan(10);
  });

  it('every TypeScript/JavaScript block has a runnable twin that holds it verbatim', () => {
    const problems = blocks.map((block) => checkCodeBlock(block, readTwin)).filter(Boolean);
    expect(problems).toEqual([]);
  });

  it('every shell block names real scripts and published packages', () => {
    const packages = workspacePackages();
    const published = new Set(packages.filter((pkg) => pkg.published).map((pkg) => pkg.name));
    const workspace = new Set(packages.map((pkg) => pkg.name));
    const problems = blocks.flatMap((block) => checkShellBlock(block, rootScripts, published, workspace, pinnedPnpm));
    expect(problems).toEqual([]);
  });
});

describe('the checker itself', () => {
  const markdown = [
    '# Title',
    '<!-- verbatim: packages/x/test/a.test.ts -->',
    '',
    '```ts',
    'const a = 1;',
    '',
    'const b = 2;',
    '```',
    '```tsx',
    'render(<App />);',
    '```',
    '```sh',
    'pnpm install && pnpm nonsense',
    'npm install @resumable/protocol @resumable/nope',
    'pnpm --filter @resumable/private-app start && pnpm --filter @resumable/gone start',
    '```',
  ].join('\n');
  const [marked, unmarked, shell] = codeBlocks('README.md', markdown);

  it('reads blocks, their language and their marker', () => {
    expect(marked).toMatchObject({ line: 4, language: 'ts', twin: 'packages/x/test/a.test.ts' });
    expect(unmarked).toMatchObject({ line: 9, language: 'tsx' });
    expect(unmarked?.twin).toBeUndefined();
  });

  it('accepts a twin that holds the lines inside a function, and refuses one that changed a line', () => {
    const twin = 'it("x", () => {\n    const a = 1;\n    const b = 2;\n});\n';
    expect(checkCodeBlock(marked!, () => twin)).toBeUndefined();
    expect(checkCodeBlock(marked!, () => twin.replace('2', '3'))).toMatch(/does not hold these lines/);
    expect(checkCodeBlock(marked!, () => undefined)).toMatch(/does not exist/);
  });

  it('lets the imports stand apart from the code, each statement whole', () => {
    const block = {
      ...marked!,
      lines: ["import { a } from 'a';", 'import {', '  b,', "} from 'b';", '', 'use(a, b);'],
    };
    expect(splitImports(block.lines)).toEqual({
      imports: [["import { a } from 'a';"], ['import {', '  b,', "} from 'b';"]],
      code: ['use(a, b);'],
    });
    const twin =
      "import {\n  b,\n} from 'b';\nimport { a } from 'a';\nimport { it } from 'vitest';\nit('x', () => {\n  use(a, b);\n});";
    expect(checkCodeBlock(block, () => twin)).toBeUndefined();
    expect(checkCodeBlock(block, () => twin.replace("from 'b'", "from 'c'"))).toMatch(/does not hold the import/);
  });

  it('refuses a block without a marker, and a twin that is not a test', () => {
    expect(checkCodeBlock(unmarked!, () => '')).toMatch(/without a <!-- verbatim/);
    expect(checkCodeBlock({ ...marked!, twin: 'packages/x/src/a.ts' }, () => '')).toMatch(/not a test file/);
  });

  it('reads `npx --yes pnpm@<version>` as pnpm, and holds it to the pinned version', () => {
    const block: CodeBlock = {
      file: 'README.md',
      line: 1,
      language: 'sh',
      lines: ['npx --yes pnpm@10.34.8 install && npx --yes pnpm@10.34.8 nonsense', 'npx pnpm@9.0.0 test', 'pnpm docs'],
    };
    const problems = checkShellBlock(block, new Set(['test', 'docs']), new Set(), new Set(), '10.34.8');
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/no script "nonsense"/);
    expect(problems[1]).toMatch(/pins pnpm@10\.34\.8, not 9\.0\.0/);
    expect(problems[2]).toMatch(/pnpm runs its own "docs", not the script: write `pnpm run docs`/);
  });

  it('refuses a pnpm script that does not exist, an unpublished install and an unknown filter', () => {
    const published = new Set(['@resumable/protocol']);
    const workspace = new Set([...published, '@resumable/private-app']);
    const problems = checkShellBlock(shell!, new Set(['test', 'start']), published, workspace);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/no script "nonsense"/);
    expect(problems[1]).toMatch(/@resumable\/nope is not a package we publish/);
    expect(problems[2]).toMatch(/@resumable\/gone is not a workspace package/);
  });
});
