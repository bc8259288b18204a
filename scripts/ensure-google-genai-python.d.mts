// Types for ensure-google-genai-python.mjs, which stays plain JavaScript so `npm test` runs it with Node alone.

/** The google-genai (PyPI) version the SDK tests pin. */
export const GOOGLE_GENAI_PYTHON_VERSION: string;

/** The python of a virtual environment holding the pinned google-genai, made on first use. */
export function ensureGoogleGenaiPython(options?: {
  readonly log?: (line: string) => void;
  readonly version?: string;
}): string;
