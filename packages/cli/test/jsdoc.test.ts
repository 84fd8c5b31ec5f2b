import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Every symbol `src/index.ts` exports, with the JSDoc tags of its declaration. */
function exportedDocs(): { name: string; documented: boolean; example: boolean }[] {
  const entry = resolve(import.meta.dirname, '../src/index.ts');
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error('no src/index.ts');
  const module = checker.getSymbolAtLocation(source);
  if (!module) throw new Error('src/index.ts exports nothing');
  return checker.getExportsOfModule(module).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = symbol.declarations?.[0];
    const docs = declaration ? ts.getJSDocCommentsAndTags(declaration) : [];
    const tags = declaration ? ts.getJSDocTags(declaration) : [];
    return {
      name: exported.name,
      documented: docs.length > 0,
      example: tags.some((tag) => tag.tagName.text === 'example'),
    };
  });
}

describe('the public API', () => {
  it('documents every export with JSDoc and an @example', () => {
    const exported = exportedDocs();
    expect(exported.length).toBeGreaterThan(10);
    expect(exported.filter((symbol) => !symbol.documented || !symbol.example).map((symbol) => symbol.name)).toEqual([]);
  });
});
