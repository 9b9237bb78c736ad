// The layout rules CI holds the code to (docs/ARCHITECTURE.md, "Rules the code keeps"). Each
// failure names the file, the import and the rule; the exit code is the number of failures.
//
//   npx tsx scripts/check-structure.ts
//
// 1. The panel (web/src) imports only browser-safe server files: none of them, or anything they
//    import, may use a Node API (node:*, Buffer, process) or a server-only package.
// 2. Domain code (src/modules, src/lib, src/upstreams, src/payments, src/mail, src/contracts) does
//    not import the HTTP layer; route files (*routes.ts) are the HTTP layer and may.
// 3. A module never imports another module's repo (*repo.ts): it asks that module's service, or
//    imports its shapes from its types.ts.
// 4. No cycle among modules. A module's types.ts and accounts/scope.ts are the shared declarations
//    (Account, Scope, a message's class…): they import no module, and importing them is no edge.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const rel = (f: string) => path.relative(root, f);

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const f = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(f).isDirectory()) walk(f, out);
    else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(f);
  }
  return out;
}

const sources = new Map<string, string>();
const source = (f: string) => {
  let s = sources.get(f);
  if (s === undefined) sources.set(f, (s = readFileSync(f, 'utf8')));
  return s;
};

/** Every module a file imports (static, dynamic, re-exports), type-only imports included. */
function importsOf(f: string): string[] {
  const s = source(f).replace(/^\s*\/\/.*$/gm, '');
  const found = [...s.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]/g), ...s.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return found.map((m) => m[1]);
}

const resolve = (from: string, spec: string) => (spec.startsWith('.') ? path.resolve(path.dirname(from), spec) : null);

const failures: string[] = [];
const fail = (file: string, what: string, rule: string) => failures.push(`${rel(file)}: ${what} — ${rule}`);

// 1. browser-safe server files
const serverOnlyPackages = /^(node:|fastify|@fastify\/|pg$|pg-boss|@electric-sql\/pglite|argon2|nodemailer|pino|exceljs|pdfkit|smpp$|libphonenumber-js|prom-client|qrcode)/;
const nodeGlobals = /\b(Buffer|process)\s*\./;
const checked = new Set<string>();
function browserSafe(file: string, via: string) {
  if (checked.has(file)) return;
  checked.add(file);
  const code = source(file).replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  if (nodeGlobals.test(code)) fail(file, `uses ${code.match(nodeGlobals)![1]} (the panel imports it via ${via})`, 'the panel imports only browser-safe server files');
  for (const spec of importsOf(file)) {
    if (serverOnlyPackages.test(spec)) fail(file, `imports ${spec} (the panel imports it via ${via})`, 'the panel imports only browser-safe server files');
    const target = resolve(file, spec);
    if (target) browserSafe(target, via);
  }
}
for (const f of walk(path.join(root, 'web/src'))) {
  for (const spec of importsOf(f)) {
    const target = resolve(f, spec);
    if (target && target.startsWith(path.join(root, 'src') + path.sep)) browserSafe(target, rel(f));
  }
}

// 2. the domain does not import the HTTP layer
const http = path.join(root, 'src/http') + path.sep;
const domain = ['modules', 'lib', 'upstreams', 'payments', 'mail', 'contracts'].flatMap((d) => walk(path.join(root, 'src', d)));
for (const f of domain) {
  if (/routes\.ts$/.test(f)) continue;
  for (const spec of importsOf(f)) {
    const target = resolve(f, spec);
    if (target?.startsWith(http)) fail(f, `imports ${spec}`, 'domain code does not import src/http/ (AppError is src/lib/app-error.ts; words and statuses belong to the routes)');
  }
}

// 3 and 4: the modules' import graph
const modulesDir = path.join(root, 'src/modules') + path.sep;
const moduleOf = (f: string) => (f.startsWith(modulesDir) ? f.slice(modulesDir.length).split(path.sep)[0] : null);
const declarations = (f: string) => /[\\/]types\.ts$/.test(f) || f === path.join(modulesDir, 'accounts', 'scope.ts');
const graph = new Map<string, Map<string, string>>();
for (const f of walk(modulesDir)) {
  const from = moduleOf(f)!;
  for (const spec of importsOf(f)) {
    const target = resolve(f, spec);
    const to = target && moduleOf(target);
    if (!target || !to || to === from) continue;
    if (/repo\.ts$/.test(target)) fail(f, `imports ${spec}`, "a module never imports another module's repo (ask its service; shapes come from its types.ts)");
    if (declarations(f)) fail(f, `imports ${spec}`, 'shared declarations (types.ts, accounts/scope.ts) import no module');
    if (declarations(target)) continue;
    if (!graph.has(from)) graph.set(from, new Map());
    if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, `${rel(f)} → ${spec}`);
  }
}
// a cycle: a module that reaches itself again (depth-first, each cycle reported once by its members)
const seen = new Set<string>();
for (const start of graph.keys()) {
  const stack: { at: string; path: string[] }[] = [{ at: start, path: [start] }];
  const visited = new Set<string>();
  while (stack.length) {
    const { at, path: trail } = stack.pop()!;
    for (const [to] of graph.get(at) ?? []) {
      if (to === start) {
        const key = [...trail].sort().join(',');
        if (!seen.has(key)) {
          seen.add(key);
          const links = trail.map((m, i) => graph.get(m)!.get(trail[i + 1] ?? start)!);
          fail(path.join(modulesDir, start), `cycle ${[...trail, start].join(' → ')} (${links.join('; ')})`, 'no cycle among modules');
        }
      } else if (!visited.has(to)) {
        visited.add(to);
        stack.push({ at: to, path: [...trail, to] });
      }
    }
  }
}

for (const line of failures) console.error(line);
console.log(failures.length ? `${failures.length} structure rule(s) broken` : `structure: ${checked.size} server files the panel imports are browser-safe; the domain does not import src/http/; no module imports another's repo; ${graph.size} modules, no cycle among them`);
process.exit(Math.min(failures.length, 100));
