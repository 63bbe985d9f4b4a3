/**
 * The deploy agent is one self-contained file, and V8 parses all of a file's source when it loads it
 * (lazy functions are still pre-parsed), so every library inside costs resident memory from start-up even
 * when nothing calls it: parsing the 4.4 MB bundle alone held ≈ 37 MB. The libraries an idle agent does not
 * need (IMAP, MIME parsing, SMTP, Docker) are therefore embedded as compressed CommonJS bundles in
 * string form and compiled the first time the code `await import()`s them — still inside the one file.
 */
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

/** Package → every specifier the agent imports from it (a specifier missing here fails the build). */
export const AGENT_EMBEDDED_LIBRARIES: Record<string, readonly string[]> = {
  imapflow: ['imapflow'],
  mailparser: ['mailparser'],
  nodemailer: ['nodemailer', 'nodemailer/lib/mail-composer', 'nodemailer/lib/dkim'],
  dockerode: ['dockerode'],
  // what only a release that arrives needs: unpacking its bundle, comparing its version (decision 0053)
  'tar-stream': ['tar-stream'],
  semver: ['semver'],
};

/**
 * Parts of a library that it `require`s itself but an idle agent never uses. Each is embedded the same way
 * and compiled the first time one of its properties is read (the library's `require` stays synchronous and
 * gets a stand-in): iconv-lite's character set tables (≈ 0.5 MB, the first non-UTF-8 mail), libmime's
 * Japanese converter (≈ 0.2 MB of tables, ISO-2022-JP / Shift_JIS / EUC-JP mail) and its MIME type list
 * (file names of attachments). Measured: the two libmime parts cost ≈ 5.5 MB of an idle agent's RSS.
 */
export const AGENT_EMBEDDED_ON_REQUIRE: readonly { importer: RegExp; specifier: string }[] = [
  { importer: /\/iconv-lite\/lib\/index\.js$/, specifier: '../encodings' },
  { importer: /\/libmime\/lib\/charset\.js$/, specifier: 'encoding-japanese' },
  { importer: /\/libmime\/lib\/libmime\.js$/, specifier: './mimetypes' },
];

const PACK = 'embedded-library-pack';
const PART = 'embedded-library-part';
const SPECIFIER = 'embedded-library';

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const compress = promisify(brotliCompress);

/**
 * `entry` bundled as CommonJS (licence comments kept at its end, as in the agent file), brotli-compressed, base64.
 * Quality 10 with a 16 MB window: the packs are ≈ 20 % smaller than at quality 5, and their text is part of the
 * agent's source, which V8 keeps in memory for as long as the agent runs (docs/decisions/0049). The packs
 * compress in parallel (zlib's thread pool).
 */
async function packed(root: string, name: string, entry: string, external: string[]): Promise<string> {
  const result = await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: `embedded-${name.replace(/\W+/g, '-')}.cjs`, loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    keepNames: true,
    legalComments: 'eof',
    write: false,
    external,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0]!.contents;
  return (await compress(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 10, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: code.length } })).toString('base64');
}

/**
 * Statements that decompress and compile one packed bundle and leave what it exports in `library.exports`.
 * The bundle gets the five names of a CommonJS module's scope: some libraries read `__dirname` as they load
 * (ssh2, under dockerode, for its inline WebAssembly), so it names the embedded bundle as stack traces do;
 * nothing of it exists on disk.
 */
function compileStatements(name: string, packedCode: string): string[] {
  const filename = `marketplace-agent/embedded/${name}.cjs`;
  return [
    "const { brotliDecompressSync } = require('node:zlib');",
    "const { compileFunction } = require('node:vm');",
    `const source = brotliDecompressSync(Buffer.from(${JSON.stringify(packedCode)}, 'base64')).toString('utf8');`,
    `const load = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: ${JSON.stringify(filename)} });`,
    'const library = { exports: {} };',
    `load(library.exports, require, library, ${JSON.stringify(filename)}, ${JSON.stringify(filename.slice(0, filename.lastIndexOf('/')))});`,
  ];
}

/** The module that, when first evaluated, decompresses and compiles one packed bundle and exports what it exports. */
function loaderModule(name: string, packedCode: string): string {
  return [...compileStatements(name, packedCode), 'module.exports = library.exports;'].join('\n');
}

/**
 * A stand-in for a required part: an object whose first property read (or `in`, key listing) decompresses and
 * compiles the part; every read after that goes to the part's own exports.
 */
function firstUseModule(name: string, packedCode: string): string {
  return [
    'let loaded;',
    `const part = () => (loaded ??= (() => {\n${compileStatements(name, packedCode).join('\n')}\nreturn library.exports;\n})());`,
    'module.exports = new Proxy({}, {',
    '  get: (_, key) => part()[key],',
    '  has: (_, key) => key in part(),',
    '  ownKeys: () => Reflect.ownKeys(part()),',
    '  getOwnPropertyDescriptor: (_, key) => {',
    '    const descriptor = Reflect.getOwnPropertyDescriptor(part(), key);',
    '    return descriptor && { ...descriptor, configurable: true };',
    '  },',
    '});',
  ].join('\n');
}

/**
 * Replaces `await import('<library>')` with a module that, when first evaluated, decompresses and compiles the
 * library's embedded bundle (node:vm, with the bundle's own `require` for Node's built-in modules). A static
 * import of an embedded library fails the build: it would load the library at start-up anyway.
 */
export function embeddedLibraries(root: string, libraries: Record<string, readonly string[]>, onRequire: typeof AGENT_EMBEDDED_ON_REQUIRE, external: string[]): Plugin {
  const names = Object.keys(libraries);
  const filter = new RegExp(`^(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(/.*)?$`);
  return {
    name: 'embedded-libraries',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter }, (args) => {
        if (args.namespace === SPECIFIER) return { path: args.path, namespace: PACK };
        const name = packageOf(args.path);
        if (!libraries[name]?.includes(args.path)) {
          return { errors: [{ text: `${args.path} is not listed for the embedded library ${name}: add it to AGENT_EMBEDDED_LIBRARIES in scripts/embedded-libraries.ts.` }] };
        }
        if (args.kind !== 'dynamic-import') {
          return { errors: [{ text: `${args.importer} imports ${args.path} statically; the agent loads it on first use, so write \`await import('${args.path}')\` where it is needed.` }] };
        }
        return { path: args.path, namespace: SPECIFIER };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: SPECIFIER }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(packageOf(args.path))})[${JSON.stringify(args.path)}];`,
        loader: 'js',
        resolveDir: root,
      }));
      pluginBuild.onLoad({ filter: /.*/, namespace: PACK }, async (args) => {
        const entry = `module.exports = {${libraries[args.path]!.map((specifier) => `${JSON.stringify(specifier)}: require(${JSON.stringify(specifier)})`).join(',')}};`;
        return { contents: loaderModule(args.path, await packed(root, args.path, entry, external)), loader: 'js' };
      });
      for (const part of onRequire) {
        pluginBuild.onResolve({ filter: new RegExp(`^${part.specifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }, (args) =>
          part.importer.test(args.importer) && args.kind === 'require-call' ? { path: createRequire(args.importer).resolve(part.specifier), namespace: PART } : undefined,
        );
      }
      pluginBuild.onLoad({ filter: /.*/, namespace: PART }, async (args) => {
        const name = relative(root, args.path).replace(/^(\.\.\/)*(node_modules\/)*/, '');
        return { contents: firstUseModule(name, await packed(root, name, `module.exports = require(${JSON.stringify(args.path)});`, external)), loader: 'js' };
      });
    },
  };
}
