// --templates: a user's folder of templates replaces the built-in ones it holds (client.hbs,
// worker.hbs, codec.hbs) and registers its other .hbs files as partials. An overridden client
// must still compile under the strictest options and call a real worker; a template that asks
// for a field the view model lacks fails with the template's file and the field.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { configTargets } from '../../generator/config.js';
import { generate } from '../../generator/generate.js';
import { loadInput } from '../../generator/program.js';
import { readServices } from '../../generator/read-interface.js';
import { buildViews } from '../../generator/view-model.js';
import { buildProject } from './e2e-project.js';
import { fixturesDir, root, tempDir } from './fixtures.js';
import { watchProcess } from './watch-process.js';

const cli = join(root, 'generator/dist/cli.js');
const CALCULATOR = join(fixturesDir, 'calculator/input/ICalculator.ts');
const builtInClient = readFileSync(join(root, 'templates/client.hbs'), 'utf8');

/** The built-in client.hbs with a banner (a partial of the folder) and a wrapper method. */
const CUSTOM_CLIENT = builtInClient
  .replace('{{> stamp stamp}}\n', '{{> stamp stamp}}\n{{> banner}}\n')
  .replace('  /** Finishes queued and running calls', `  /** Starts a pool, gives it to \`use\`, and closes it however \`use\` ends. */
  static async run<T>(config: {{locals.PoolConfig}}, use: (client: {{classes.client}}) => Promise<T>): Promise<T> {
    const client = await {{classes.client}}.create(config);
    try {
      return await use(client);
    } finally {
      await client.close();
    }
  }

  /** Finishes queued and running calls`);
const BANNER = '// Acme Corp. templates: {{interfaceName}} has {{methods.length}} methods.\n';

/** A fresh folder holding `files` (name → text). */
function folder(files: Record<string, string>): string {
  const dir = tempDir('tpl-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function run(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const IMPLEMENTATION = `import type { ICalculator, Point } from './ICalculator.js';

export default class Calculator implements ICalculator {
  add(a: number, b: number): number { return a + b; }
  async centroid(points: Point[]): Promise<Point> { return points[0] ?? { x: 0, y: 0 }; }
  echo(data: Uint8Array): Uint8Array { return data; }
  reset(): void {}
}
`;

// The wrapper method is typed: a caller that misuses it must not compile.
const CALLER = `import { ICalculatorClient } from './gen/ICalculator.client.js';

export async function sum(workerModule: string): Promise<number> {
  // @ts-expect-error: run() hands over the client, whose add() takes numbers
  void (() => ICalculatorClient.run({ workerModule }, (c) => c.add('1', 2)));
  return ICalculatorClient.run({ workerModule, logger: false, minPoolSize: 1, maxPoolSize: 1 }, (c) => c.add(2, 3));
}
`;

describe('templates', () => {
  const templates = folder({ 'client.hbs': CUSTOM_CLIENT, 'banner.hbs': BANNER });

  it('generate({ templates }): the folder\'s client.hbs and partial replace the client; the worker and codec stay built in', async () => {
    const own = await generate({ input: CALCULATOR, outDir: join(fixturesDir, 'calculator/expected'), templates });
    const builtIn = await generate({ input: CALCULATOR, outDir: join(fixturesDir, 'calculator/expected') });
    expect(own.diagnostics).toEqual([]);
    const client = own.files[0]!.content;
    // The banner follows the stamp, whatever its length.
    expect(client.split('\n')[builtIn.files[0]!.content.split('\n').findIndex((l) => l.startsWith('import '))]).toBe('// Acme Corp. templates: ICalculator has 4 methods.');
    expect(client).toContain('  static async run<T>(config: PoolConfig, use: (client: ICalculatorClient) => Promise<T>): Promise<T> {');
    expect(client.replace(/^\/\/ Acme.*\n/m, '').replace(/ {2}\/\*\* Starts a pool, gives[^]*?\n {2}}\n\n/, '')).toBe(builtIn.files[0]!.content);
    expect(own.files.slice(1)).toEqual(builtIn.files.slice(1));
    // --watch regenerates when a template changes.
    expect(own.sources).toContain(join(templates, 'client.hbs'));
    expect(own.sources).toContain(join(templates, 'banner.hbs'));
  });

  describe('an overridden client compiles under the strictest options and calls a real worker', () => {
    let closing: Promise<unknown> | undefined;
    afterAll(async () => { await closing; });

    it('run() starts a pool, calls add on a worker and closes the pool', async () => {
      const project = await buildProject([CALCULATOR], 'ICalculator.ts', { 'calculator.ts': IMPLEMENTATION, 'caller.ts': CALLER }, { templates });
      const caller = await import(pathToFileURL(project.js('caller.ts')).href) as { sum(workerModule: string): Promise<number> };
      closing = caller.sum(project.js('calculator.ts'));
      expect(await closing).toBe(5);
    }, 60_000);
  });

  it('a stamp.hbs in the folder replaces the stamp of all three files', async () => {
    const dir = folder({ 'stamp.hbs': '// Made for {{interfaceName}} by sandbox-gen {{version}}.\n' });
    const { files } = await generate({ input: CALCULATOR, templates: dir });
    expect(files.map((f) => f.content.split('\n')[0])).toEqual(Array(3).fill('// Made for ICalculator by sandbox-gen 0.1.0.'));
  });

  describe('strict mode: a field the view model lacks fails, naming the template file and the field', () => {
    it('in a template', async () => {
      const dir = folder({ 'client.hbs': '{{> stamp stamp}}\nexport class {{interfaceNam}} {}\n' });
      await expect(generate({ input: CALCULATOR, templates: dir }))
        .rejects.toThrow(`template ${join(dir, 'client.hbs')}:2:16: the view model has no field "interfaceNam" here (strict mode)`);
    });

    it('in a method\'s fields', async () => {
      const dir = folder({ 'worker.hbs': '{{#each methods}}\n{{name}}({{#each params}}{{typetext}}{{/each}})\n{{/each}}\n' });
      await expect(generate({ input: CALCULATOR, templates: dir })).rejects.toThrow(/worker\.hbs:2:\d+: the view model has no field "typetext"/);
    });

    it('in a partial of the folder: the partial\'s file', async () => {
      const dir = folder({ 'client.hbs': CUSTOM_CLIENT, 'banner.hbs': '// {{company}}\n' });
      await expect(generate({ input: CALCULATOR, templates: dir })).rejects.toThrow(`template ${join(dir, 'banner.hbs')}:1:6: the view model has no field "company"`);
    });

    it('a template that does not parse', async () => {
      const dir = folder({ 'codec.hbs': '{{#each methods}}\n{{name}}\n' });
      await expect(generate({ input: CALCULATOR, templates: dir })).rejects.toThrow(new RegExp(`^template ${join(dir, 'codec.hbs')}.*: Parse error on line 3:.*got 'EOF'`, 's'));
    });

    it('a partial that is not there', async () => {
      const dir = folder({ 'client.hbs': CUSTOM_CLIENT });
      await expect(generate({ input: CALCULATOR, templates: dir })).rejects.toThrow(`template ${join(dir, 'client.hbs')}`);
      await expect(generate({ input: CALCULATOR, templates: dir })).rejects.toThrow('The partial banner could not be found');
    });
  });

  it('a folder that cannot be used names the path, the condition and the fix', async () => {
    const file = join(folder({ 'client.hbs': '' }), 'client.hbs');
    const cases: [string, RegExp][] = [
      [join(templates, 'missing'), /templates folder .*missing \(.*\) does not exist; give the folder that holds your client\.hbs, worker\.hbs or codec\.hbs/],
      [file, /templates folder .*client\.hbs \(.*\) is not a folder; give the folder that holds your client\.hbs, worker\.hbs or codec\.hbs, not a file/],
      [folder({ 'notes.txt': '' }), /templates folder .* holds no \.hbs file; put client\.hbs, worker\.hbs or codec\.hbs \(or partials\) there, or leave out the templates option/],
    ];
    for (const [dir, message] of cases) await expect(generate({ input: CALCULATOR, templates: dir })).rejects.toThrow(message);
  });

  it('docs/templates.md names every field of every view (the view model is a documented API)', () => {
    const { services } = readServices(loadInput(CALCULATOR, readFileSync(CALCULATOR, 'utf8'), undefined).sourceFile, undefined);
    const views = buildViews(services[0]!, {
      input: CALCULATOR, outDir: fixturesDir, importExtension: '.js', version: '0.1.0', fileHash: '0'.repeat(16), interfaceHash: '0'.repeat(16),
    });
    const keys = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (typeof value === 'object' && value !== null) {
        for (const [key, v] of Object.entries(value)) {
          keys.add(key);
          walk(v);
        }
      }
    };
    walk(Object.values(views));
    const docs = readFileSync(join(root, 'docs/templates.md'), 'utf8');
    expect([...keys].filter((k) => !docs.includes(`\`${k}\``) && !docs.includes(`"${k}"`))).toEqual([]);
  });

  describe('the CLI', () => {
    it('--templates <dir> uses the folder; a bad one exits 2 with the path', () => {
      if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first`);
      const dir = folder({ 'ICalculator.ts': readFileSync(CALCULATOR, 'utf8') });
      mkdirSync(join(dir, 'tpl'));
      writeFileSync(join(dir, 'tpl/client.hbs'), CUSTOM_CLIENT);
      writeFileSync(join(dir, 'tpl/banner.hbs'), BANNER);
      const ok = run(dir, 'ICalculator.ts', '-o', 'gen', '--templates', 'tpl');
      expect(ok.code, ok.stderr).toBe(0);
      expect(readFileSync(join(dir, 'gen/ICalculator.client.ts'), 'utf8')).toContain('// Acme Corp. templates: ICalculator has 4 methods.');
      // --check regenerates with the same templates, and says so in the command it prints.
      writeFileSync(join(dir, 'tpl/banner.hbs'), '// Changed.\n');
      const stale = run(dir, 'ICalculator.ts', '-o', 'gen', '--templates', 'tpl', '--check');
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain('sandbox-gen ICalculator.ts -o gen --templates tpl');

      const bad = run(dir, 'ICalculator.ts', '-o', 'gen', '--templates', 'tmpl');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`sandbox-gen: templates folder tmpl (${join(dir, 'tmpl')}) does not exist; give the folder`);
    });

    it('--watch regenerates when a template changes, and again once a broken one is fixed', async () => {
      const dir = folder({ 'ICalculator.ts': readFileSync(CALCULATOR, 'utf8') });
      mkdirSync(join(dir, 'tpl'));
      writeFileSync(join(dir, 'tpl/client.hbs'), CUSTOM_CLIENT);
      writeFileSync(join(dir, 'tpl/banner.hbs'), BANNER);
      const watch = watchProcess(dir, ['ICalculator.ts', '-o', 'gen', '--templates', 'tpl']);
      const { until } = watch;
      const client = (): string => readFileSync(join(dir, 'gen/ICalculator.client.ts'), 'utf8');
      try {
        await until(() => watch.stdout().includes('watching'), 'the first run');
        expect(client()).toContain('// Acme Corp. templates');
        writeFileSync(join(dir, 'tpl/banner.hbs'), '// {{company}}\n'); // a field the view model lacks
        await until(() => watch.stderr().includes('the view model has no field "company"'), 'the strict-mode error');
        expect(client()).toContain('// Acme Corp. templates'); // the last good files stay
        writeFileSync(join(dir, 'tpl/banner.hbs'), '// Fixed for {{interfaceName}}.\n');
        await until(() => client().includes('// Fixed for ICalculator.'), 'a run after the fix');
      } finally {
        await watch.stop();
      }
      expect(watch.child.exitCode).toBe(0);
      // Three runs of the generator, each waited for up to 15 s: a loaded machine (CI beside other
      // suites) took more than 30 s in all.
    }, 60_000);

    it('"templates" in sandbox.config.json, at the top or per input, relative to the file', () => {
      const dir = folder({
        'ICalculator.ts': readFileSync(CALCULATOR, 'utf8'),
        'sandbox.config.json': JSON.stringify({ templates: 'tpl', inputs: [{ input: 'ICalculator.ts', out: 'gen' }] }),
      });
      mkdirSync(join(dir, 'tpl'));
      writeFileSync(join(dir, 'tpl/client.hbs'), CUSTOM_CLIENT);
      writeFileSync(join(dir, 'tpl/banner.hbs'), BANNER);
      const r = run(dir);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'gen/ICalculator.client.ts'), 'utf8')).toContain('// Acme Corp. templates: ICalculator has 4 methods.');

      expect(configTargets({ templates: 'tpl', inputs: ['a.ts', { input: 'b.ts', templates: 'other' }] }, '/p').map((t) => t.templates))
        .toEqual(['/p/tpl', '/p/other']);
      expect(() => configTargets({ templates: 3, inputs: ['a.ts'] }, '/p')).toThrow('templates must be a string');
    });
  });
});
