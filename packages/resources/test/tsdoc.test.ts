// Every public export of the published packages carries TSDoc (read with the TypeScript
// compiler API from each package's src/index.ts).
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const entries = ['packages/transport/src/index.ts', 'packages/stream/src/index.ts', 'packages/resources/src/index.ts'];
// Generated from the spec: the spec's descriptions are their docs, and not every one has one.
const GENERATED = /[\\/]generated[\\/]/;

function undocumentedExports(entry: string): string[] {
  const program = ts.createProgram([root + entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(root + entry);
  if (!source) throw new Error(`cannot read ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${entry} is not a module`);
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = symbol.getDeclarations() ?? [];
    if (declarations.some((d) => GENERATED.test(d.getSourceFile().fileName))) continue;
    const documented = declarations.some((d) => ts.getJSDocCommentsAndTags(d).length > 0) || symbol.getDocumentationComment(checker).length > 0;
    if (!documented) missing.push(exported.getName());
  }
  return missing;
}

describe('TSDoc on every public export', () => {
  it.each(entries)('%s', (entry) => {
    expect(undocumentedExports(entry)).toEqual([]);
  });
});
