// @ts-check
/**
 * A TypeDoc plugin: every public export shows how it is used.
 *
 * The rule: each top-level export of a public entry point (a module of the API
 * reference, or a namespace re-exported from one) that is a function, class,
 * variable or constant, type alias, interface or enum must carry an `@example` block
 * in its doc comment. For a function, the comment of any of its signatures counts
 * (an overload may hold the example). Members of classes and interfaces (methods,
 * properties, accessors) need a doc comment, which TypeDoc's own `notDocumented`
 * validation checks through `requiredToBeDocumented`, but no example: the example of
 * their class or interface shows them in use. A symbol marked `@internal` is left out
 * of the reference (`excludeInternal`), so it needs neither. Fields of an inline
 * object type count as properties too; the rare one a comment would only clutter is
 * named in its package's `typedoc.json` (`intentionallyNotDocumented`), where a
 * reviewer sees it.
 *
 * A missing example is reported as an error naming the symbol and its source file,
 * so `pnpm run docs` (`typedoc`) exits non-zero. Loaded by the root `typedoc.json`
 * (`"plugin": ["./scripts/typedoc-require-example.mjs"]`); it runs once per package
 * converted, before the packages are merged.
 */
import path from 'node:path';
import { Converter, ReflectionKind } from 'typedoc';

/** The kinds of top-level export that must show an example. */
const NEEDS_EXAMPLE =
  ReflectionKind.Function |
  ReflectionKind.Class |
  ReflectionKind.Variable |
  ReflectionKind.TypeAlias |
  ReflectionKind.Interface |
  ReflectionKind.Enum;

/** Containers whose children are top-level exports: a project, an entry point's module, a namespace. */
const CONTAINER = ReflectionKind.Project | ReflectionKind.Module | ReflectionKind.Namespace;

/** @param {import('typedoc').Comment | undefined} comment */
const hasExample = (comment) => comment?.blockTags.some((tag) => tag.tag === '@example') ?? false;

/** @param {import('typedoc').DeclarationReflection} reflection */
function documentsExample(reflection) {
  if (hasExample(reflection.comment)) return true;
  return (reflection.signatures ?? []).some((signature) => hasExample(signature.comment));
}

/** @param {import('typedoc').ContainerReflection} container */
function* topLevelExports(container) {
  for (const child of container.children ?? []) {
    if (child.kindOf(CONTAINER)) yield* topLevelExports(child);
    else if (child.kindOf(NEEDS_EXAMPLE)) yield child;
  }
}

/**
 * The file that declares it (TypeDoc's symbol id: it does not need source links).
 * @param {import('typedoc').ProjectReflection} project
 * @param {import('typedoc').DeclarationReflection} reflection
 */
function whereDefined(project, reflection) {
  const symbolId = project.getSymbolIdFromReflection(reflection);
  return symbolId ? path.relative(process.cwd(), symbolId.fileName) : 'an unknown file';
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    for (const reflection of topLevelExports(project)) {
      if (documentsExample(reflection)) continue;
      const kind = ReflectionKind.singularString(reflection.kind);
      const name = project.packageName
        ? `${project.packageName}: ${reflection.getFriendlyFullName()}`
        : reflection.getFriendlyFullName();
      app.logger.error(
        `${name} (${kind}), defined in ${whereDefined(project, reflection)}, has no @example in its doc comment`,
      );
    }
  });
}
