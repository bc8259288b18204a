// Types for assemble-wasm.mjs, which stays plain JavaScript so it runs with Node alone.

/** The .wat files assembled, relative to the repository. */
export const WAT_MODULES: readonly string[];

/** The TypeScript module generated from a .wat file: beside it, named `<name>.wasm.ts`. */
export function generatedPath(watPath: string): string;

/** The text of the TypeScript module holding the assembled bytes of `watPath`. */
export function generatedModule(watPath: string): Promise<string>;
